import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), so two pulls of one model never write the same files.
///
/// Locks belong to the open file, so two holders in one process exclude each other too.
final class FileLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Waits until the lock at `url` is free, then holds it until ``unlock()`` or deinit.
    static func acquire(_ url: URL) async throws -> FileLock {
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HubError.cacheNotWritable(path: url.deletingLastPathComponent().path, reason: String(cString: strerror(errno)))
        }
        // flock blocks the calling thread: poll without blocking so waiting never holds a thread.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return FileLock(descriptor: descriptor)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
