import Foundation
import Testing

/// `glimpse index --watch` through the real binary, with the model-free test describer.
@Suite("glimpse index --watch")
struct IndexWatchTests {
    @Test("picks up new and deleted files on later passes, follows a restored index, says nothing when nothing changed; Ctrl-C between passes exits 0")
    func watch() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appending(path: "photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-sam/reference_image.png"), to: photos.appending(path: "a.png"))

        let (process, lines) = try Self.watch(photos, every: 1, index: root.appending(path: "index.sqlite").path)
        defer { if process.isRunning { process.terminate() } }

        let index = root.appending(path: "index.sqlite").path
        let first = try lines.next(containing: "described")
        #expect(first.hasPrefix("1 described, 0 unchanged"), "\(first)")
        let backup = root.appending(path: "backup.sqlite").path
        #expect(try GlimpseProcess.run(["backup", backup, "--index", index]).status == 0, "between passes the index is free")
        // Copied beside, then renamed in: a pass never sees half a file.
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-clip/reference_image.png"), to: root.appending(path: "b.png"))
        try FileManager.default.moveItem(at: root.appending(path: "b.png"), to: photos.appending(path: "b.png"))
        let second = try lines.next(containing: "described")
        #expect(second.contains(" 1 described, 1 unchanged") && second.hasPrefix("20"), "a later pass says when: \(second)")

        var restore = try GlimpseProcess.run(["restore", backup, "--index", index])
        for _ in 0..<20 where restore.status != 0 && restore.output.contains("Another glimpse index is running") {
            Thread.sleep(forTimeInterval: 0.2)  // it came during a pass, which holds the index: between passes it is free
            restore = try GlimpseProcess.run(["restore", backup, "--index", index])
        }
        #expect(restore.status == 0, "\(restore.output)")
        let afterRestore = try lines.next(containing: "described")
        #expect(afterRestore.contains(" 1 described, 1 unchanged"), "the watcher indexes into the restored index, which lacks b.png: \(afterRestore)")
        try FileManager.default.removeItem(at: photos.appending(path: "a.png"))
        let third = try lines.next(containing: "described")
        #expect(third.contains("0 described, 1 unchanged, 1 removed"), "\(third)")
        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains("Images: 1 — 1 full"), "\(status.output)")

        Thread.sleep(forTimeInterval: 2.5)  // two passes that change nothing
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(lines.rest().isEmpty, "passes that changed nothing printed nothing")
    }

    @Test("without folders it watches the remembered ones; one that is away is reported, and indexed once it is back")
    func rememberedFolders() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (home, drive) = (root.appending(path: "home"), root.appending(path: "drive"))
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        for (folder, fixture) in [(home, "tiny-sam"), (drive, "tiny-clip")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appending(path: "\(fixture)/reference_image.png"), to: folder.appending(path: "a.png"))
        }
        let index = root.appending(path: "index.sqlite").path
        let first = try GlimpseProcess.run(["index", home.path, drive.path, "--index", index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(first.status == 0 && first.output.contains("2 described"), "\(first.output)")
        let away = root.appending(path: "drive-away")
        try FileManager.default.moveItem(at: drive, to: away)

        let (process, lines) = try Self.watch(nil, every: 1, index: index)
        defer { if process.isRunning { process.terminate() } }
        #expect(try lines.next(containing: "described").hasPrefix("0 described, 1 unchanged"))
        #expect(try lines.next(containing: drive.path).contains("not there"), "the drive that is away is named")
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-blip/reference_image.png"), to: away.appending(path: "b.png"))
        try FileManager.default.moveItem(at: away, to: drive)
        let back = try lines.next(containing: "described")
        #expect(back.contains("1 described, 2 unchanged"), "the drive's new photo, once it is back: \(back)")

        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Starts `glimpse index [FOLDER] --watch` with the test describer (no folder: the remembered ones); its
    /// standard output comes line by line.
    static func watch(_ folder: URL?, every: Int, index: String) throws -> (Process, LineReader) {
        let process = Process()
        process.executableURL = GlimpseProcess.executable
        process.arguments = ["index"] + (folder.map { [$0.path] } ?? []) + ["--watch", "--every", "\(every)", "--index", index]
        process.environment = ProcessInfo.processInfo.environment.merging(["GLIMPSE_TEST_DESCRIBER": "colour"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Reading blocks until output comes: a child that never speaks is stopped, and the test fails instead of hanging.
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if process.isRunning { process.terminate() } }
        return (process, LineReader(output.fileHandleForReading))
    }

    #if os(Linux)
    @Test("on Linux a change is indexed within seconds, long before the next timed pass")
    func changesWake() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appending(path: "photos")
        try FileManager.default.createDirectory(at: photos.appending(path: "2026"), withIntermediateDirectories: true)
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-sam/reference_image.png"), to: photos.appending(path: "a.png"))

        let clock = ContinuousClock()
        // The index inside the watched folder, as some users will have it (FolderMonitorTests check that its writes wake nothing).
        let (process, lines) = try Self.watch(photos, every: 3600, index: photos.appending(path: "index.sqlite").path)
        defer { if process.isRunning { process.terminate() } }
        #expect(try lines.next(containing: "described").hasPrefix("1 described"))

        let start = clock.now
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-clip/reference_image.png"), to: photos.appending(path: "2026/b.png"))
        let second = try lines.next(containing: "described")
        #expect(second.contains(" 1 described, 0 unchanged") && second.contains("(looked at \(photos.path)/2026 only)"),
                "only the folder that changed was looked at: \(second)")
        #expect(clock.now - start < .seconds(100), "long before the hour of --every")

        // A folder moved in is looked at whole; one deleted takes its images out (kept aside, and taken back when
        // its photo turns up again).
        let album = root.appending(path: "album")
        try FileManager.default.createDirectory(at: album.appending(path: "inner"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-blip/reference_image.png"), to: album.appending(path: "inner/c.png"))
        try FileManager.default.moveItem(at: album, to: photos.appending(path: "2026/album"))
        let third = try lines.next(containing: "described")
        #expect(third.contains(" 1 described, 0 unchanged") && third.contains("(looked at \(photos.path)/2026/album only)"), "\(third)")
        try FileManager.default.moveItem(at: photos.appending(path: "2026"), to: root.appending(path: "2026"))
        let fourth = try lines.next(containing: "removed")
        #expect(fourth.contains("0 described, 0 unchanged, 2 removed") && fourth.contains("(looked at \(photos.path)/2026 only)"),
                "\(fourth)")
        try FileManager.default.moveItem(at: root.appending(path: "2026/album/inner/c.png"), to: photos.appending(path: "c.png"))
        let fifth = try lines.next(containing: "described")
        #expect(fifth.contains("0 described, 1 taken back from removed images, 1 unchanged"), "\(fifth)")

        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(lines.rest().isEmpty)
    }
    #endif
}

/// Lines of a child's output, read as they come.
final class LineReader {
    private let handle: FileHandle
    private var buffer = ""

    init(_ handle: FileHandle) { self.handle = handle }

    /// The next line that contains `text`, skipping others; an error when the output ends first.
    func next(containing text: String) throws -> String {
        while true {
            while let newline = buffer.firstIndex(of: "\n") {
                let line = String(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.contains(text) { return line }
            }
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no line with \"\(text)\"; left: \(buffer)"])
    }

    /// What remains once the child has exited.
    func rest() -> String {
        buffer + String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }
}
