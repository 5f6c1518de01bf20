import Foundation
import GlimpseRuntime

extension IndexStore {
    /// Takes the store's run lock (`runLockURL`), which one writer of a whole run holds at a time: an index
    /// run, `forgetImages(under:)`. An error when another process holds it; nil for an index without one.
    func lockRuns() throws -> FileLock? {
        guard let url = runLockURL else { return nil }
        let lock: FileLock?
        do {
            lock = try FileLock.tryAcquire(url)
        } catch {
            throw IndexError.cannotOpen(path: url.deletingPathExtension().path,
                                        reason: "its lock file \(url.lastPathComponent) cannot be created (\(error.reason))")
        }
        guard let lock else {
            throw IndexError.runInProgress(path: url.deletingPathExtension().path, holder: FileLock.holder(of: url))
        }
        return lock
    }
}
