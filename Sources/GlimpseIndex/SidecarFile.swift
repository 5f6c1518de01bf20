import Foundation
import GlimpseText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file beside the database so that readers never see half of it: into a temporary file in
/// the same folder, flushed, then renamed over the old one (a process that maps the old file keeps it).
/// Temporary files that a killed process left beside the file are removed after an hour.
enum SidecarFile {
    /// Replaces `url` with what `body` writes; `what` names the file in errors ("the embedding file").
    static func replace(_ url: URL, what: String, body: (FileHandle) throws -> Void) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = TemporaryFiles.beside(url)
        TemporaryFiles.removeAbandoned(beside: url)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw IndexError.unreadableFile(path: temporary.path, reason: "\(what) cannot be created")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try body(handle)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw IndexError.unreadableFile(path: url.path, reason: "\(what) cannot be replaced (\(reason))")
        }
    }
}
