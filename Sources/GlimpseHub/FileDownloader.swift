import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file fetched and verified.
public struct DownloadedFile: Sendable, Codable, Equatable {
    public var name: String
    public var size: Int64
    public var sha256: String
}

/// Downloads one file into place: resumable, verified, never half-written where a complete file is expected.
///
/// Bytes go to `NAME.partial` beside the destination. An interrupted download resumes there with an HTTP
/// `Range` request. When the size and SHA-256 match what the hub (or the registry) says, the partial file
/// is renamed over the destination in one step; when they do not, it is deleted and the download fails.
struct FileDownloader: Sendable {
    let transport: HTTPTransport

    /// - Parameters:
    ///   - expectedSHA256: a pinned checksum; otherwise the hub's `X-Linked-Etag` is used when it has one.
    ///   - progress: called with the number of bytes received so far (resumed bytes included).
    func download(
        from url: String, to destination: URL, expectedSHA256: String? = nil,
        progress: @Sendable (Int64, Int64?) -> Void = { _, _ in }
    ) async throws -> DownloadedFile {
        let name = destination.lastPathComponent
        let head = try await transport.send(.HEAD, url)
        guard head.response.status.code == 200 else {
            throw HubError.httpStatus(url: url, status: Int(head.response.status.code))
        }
        let info = RemoteFileInfo(hops: head.hops)
        let wantedSHA = expectedSHA256?.lowercased() ?? info.sha256

        let partial = destination.appendingPathExtension("partial")
        var existing = Self.size(of: partial) ?? 0
        if let size = info.size, existing > size { try? FileManager.default.removeItem(at: partial); existing = 0 }

        if info.size == nil || existing < info.size! {
            _ = try await fetch(url, into: partial, from: existing, total: info.size, progress: progress)
        }
        let actualSize = Self.size(of: partial) ?? 0
        if let size = info.size, actualSize != size {
            try? FileManager.default.removeItem(at: partial)
            throw HubError.sizeMismatch(file: name, expected: size, actual: actualSize)
        }
        let digest = try FileDigest.sha256(of: partial)
        if let wantedSHA, digest != wantedSHA {
            try? FileManager.default.removeItem(at: partial)
            throw HubError.checksumMismatch(file: name, expected: wantedSHA, actual: digest)
        }
        guard rename(partial.path, destination.path) == 0 else {
            throw HubError.cacheNotWritable(path: destination.deletingLastPathComponent().path, reason: String(cString: strerror(errno)))
        }
        return DownloadedFile(name: name, size: actualSize, sha256: digest)
    }

    /// Appends the bytes from `offset` on to `partial` (starting over when the server ignores the range);
    /// returns the partial file's new size.
    private func fetch(
        _ url: String, into partial: URL, from offset: Int64, total: Int64?, progress: @Sendable (Int64, Int64?) -> Void
    ) async throws -> Int64 {
        let range = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        let (response, _) = try await transport.send(.GET, url, headers: range)
        var written = offset
        switch response.status.code {
        case 206 where offset > 0: break
        case 200: written = 0
        default: throw HubError.httpStatus(url: url, status: Int(response.status.code))
        }
        if written == 0 {
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw HubError.cacheNotWritable(path: partial.deletingLastPathComponent().path, reason: "cannot create \(partial.lastPathComponent)")
            }
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: partial)
            try handle.seekToEnd()
        } catch {
            throw HubError.cacheNotWritable(path: partial.deletingLastPathComponent().path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        progress(written, total)
        do {
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
                written += Int64(buffer.readableBytes)
                progress(written, total)
            }
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.transfer(url: url, reason: String(describing: error))
        }
        return written
    }

    static func size(of url: URL) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value
    }
}

/// SHA-256 of files, read in chunks.
enum FileDigest {
    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
