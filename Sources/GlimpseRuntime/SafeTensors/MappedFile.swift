import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap` with `PROT_READ`, `MAP_PRIVATE`).
///
/// The mapping lives as long as this object and is unmapped in `deinit`; keep a reference while any
/// pointer obtained from `bytes` is in use. The object is immutable and safe to share across tasks.
/// If another process truncates the file while it is mapped, reading the lost pages raises `SIGBUS`;
/// Hugging Face checkpoints are written once, so this is not guarded against.
public final class MappedFile: Sendable {
    /// The file that was mapped.
    public let url: URL
    /// The mapped bytes, `count` long, starting on a page boundary.
    nonisolated(unsafe) public let bytes: UnsafeRawBufferPointer

    /// The file's size in bytes (never zero).
    public var count: Int { bytes.count }

    /// Maps the whole file at `url`.
    /// - Throws: `SafeTensorsError.fileUnreadable`, `.notARegularFile` or `.emptyFile`.
    public init(url: URL) throws {
        let path = url.path
        self.url = url
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SafeTensorsError.fileUnreadable(path: path, reason: Self.systemMessage(errno))
        }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SafeTensorsError.fileUnreadable(path: path, reason: Self.systemMessage(errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SafeTensorsError.notARegularFile(path: path)
        }
        guard info.st_size > 0 else { throw SafeTensorsError.emptyFile(path: path) }
        guard let size = Int(exactly: info.st_size) else {
            throw SafeTensorsError.fileUnreadable(path: path, reason: "file too large to map")
        }

        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw SafeTensorsError.fileUnreadable(path: path, reason: Self.systemMessage(errno))
        }
        bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(address), count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// Tells the kernel the mapped pages are not needed now (`madvise(MADV_DONTNEED)`).
    ///
    /// The mapping stays valid: pages are dropped from memory and read from the file again if
    /// touched. Use it after ONNX Runtime has pre-packed the weights into its own buffers.
    /// - Returns: `false` if the kernel refused the advice (harmless; memory simply stays resident).
    @discardableResult
    public func adviseDontNeed() -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED) == 0
    }

    private static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
