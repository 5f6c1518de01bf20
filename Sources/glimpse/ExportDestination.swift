import Foundation

/// Where `glimpse export` writes: standard output, or a file that appears only once it is complete.
///
/// A file is written beside its final name as `.NAME.partial-PID` and renamed over it by `commit()` after
/// its data reached the disk, so an interrupted export never leaves a truncated file under the name (nor
/// replaces an earlier export with one); `discard()` (also on Ctrl-C, see `ExportCommand`) deletes the
/// partial file. Writes are buffered into large blocks.
final class ExportDestination {
    /// The file's name as given, or "standard output".
    let name: String
    private let handle: FileHandle
    private let target: URL?
    /// The file being written before it is moved into place; nil for standard output.
    let partial: URL?
    private var buffer = Data()
    private static let blockSize = 1 << 20

    /// Standard output for "-", else a new partial file beside `path`; an existing file at `path` is an
    /// error unless `replacing`.
    init(path: String, replacing: Bool) throws {
        guard path != "-" else {
            name = "standard output"
            handle = .standardOutput
            target = nil
            partial = nil
            return
        }
        let target = URL(filePath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) {
            if isFolder.boolValue { throw CommandError("\(path) is a folder; give the name of the file to write") }
            if !replacing { throw CommandError("\(path) exists; choose another name, or add --force to replace it") }
        }
        let folder = target.deletingLastPathComponent()
        let partial = folder.appending(path: ".\(target.lastPathComponent).partial-\(getpid())")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: partial) else {
            throw CommandError("cannot write in \(folder.path) (\(String(cString: strerror(errno))))")
        }
        name = path
        self.handle = handle
        self.target = target
        self.partial = partial
    }

    /// Appends `data`, writing a block when enough has gathered.
    func write(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= Self.blockSize { try flush() }
    }

    /// Writes what is buffered; for a file, flushes it to the disk and moves it into place.
    func commit() throws {
        try flush()
        guard let target, let partial else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            discard()
            throw CommandError("cannot write \(name) (\(error.localizedDescription))")
        }
        guard rename(partial.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw CommandError("cannot move the export into place at \(name) (\(reason))")
        }
        let folder = open(target.deletingLastPathComponent().path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)  // the rename itself survives a power cut
            close(folder)
        }
    }

    /// Deletes the partial file of an export that failed or was stopped.
    func discard() {
        guard let partial else { return }
        try? handle.close()
        try? FileManager.default.removeItem(at: partial)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw CommandError("cannot write \(name) (\(error.localizedDescription))")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
