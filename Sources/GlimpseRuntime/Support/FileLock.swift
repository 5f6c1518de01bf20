import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), held until the instance is released: two pulls of
/// one model, or two index runs on one index, never work at once.
///
/// Locks belong to the open file, so two holders in one process exclude each other too. The holder's
/// process id is written into the file, so that whoever finds the lock taken can say who holds it.
public final class FileLock: @unchecked Sendable {
    /// The lock file could not be opened or created.
    public struct OpenFailure: Error, Sendable {
        public var path: String
        public var reason: String
    }

    private let descriptor: Int32

    /// Waits until the lock at `url` is free, then holds it.
    public static func acquire(_ url: URL) async throws -> FileLock {
        let descriptor = try openFile(url)
        // flock blocks the calling thread: poll without blocking so waiting never holds a thread.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return FileLock(holding: descriptor)
    }

    /// Holds the lock at `url` if it is free; nil when someone else holds it.
    public static func tryAcquire(_ url: URL) throws(OpenFailure) -> FileLock? {
        let descriptor = try openFile(url)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return FileLock(holding: descriptor)
    }

    /// Whether someone holds the lock at `url` now (the file is neither created nor written).
    public static func isHeld(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// The process id the holder of the lock at `url` wrote, if the file holds one.
    public static func holder(of url: URL) -> Int32? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func openFile(_ url: URL) throws(OpenFailure) -> Int32 {
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OpenFailure(path: url.path, reason: String(cString: strerror(errno))) }
        return descriptor
    }

    private init(holding descriptor: Int32) {
        self.descriptor = descriptor
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pwrite(descriptor, pid, pid.count, 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
