#if os(Linux)
import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseIndex

/// `FolderMonitor` on Linux's inotify: which changes wake a watching index run.
@Suite("FolderMonitor")
struct FolderMonitorTests {
    /// Nothing is expected: a short wait is enough, since the kernel reports a change at once.
    static let nothing = Duration.milliseconds(500)
    static let quiet = Duration.milliseconds(100)

    @Test("a new file, a deletion, a .glimpseignore, a new folder and files in it wake the monitor; other hidden files, the index's own files and unwatched folders do not")
    func changes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("photos/a.png", "x")
        let monitor = try #require(FolderMonitor.start(ignoring: folder.file("photos/index.sqlite").path))
        monitor.watch([folder.file("photos").path])
        #expect(monitor.watchedFolders == 1 && monitor.isComplete)
        #expect(try await !monitor.waitForChange(timeout: Self.nothing, quiet: Self.quiet))

        try folder.write("photos/b.png", "x")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
        try folder.write("photos/.b.png.part", "x")
        try folder.write("photos/index.sqlite-wal", "x")
        try folder.write("photos/index.sqlite.vectors/image.f32", "x")
        #expect(try await !monitor.waitForChange(timeout: Self.nothing, quiet: Self.quiet), "hidden files and the index's files")

        try FileManager.default.removeItem(at: folder.file("photos/a.png"))
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
        try folder.write("photos/.glimpseignore", "screens\n")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet), "new exclusion rules are a change")

        try FileManager.default.createDirectory(at: folder.file("photos/trip"), withIntermediateDirectories: false)
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
        try folder.write("photos/trip/c.png", "x")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet), "a folder created meanwhile is watched at once")

        monitor.watch([folder.file("photos/trip").path])
        #expect(monitor.watchedFolders == 1)
        try folder.write("photos/d.png", "x")
        #expect(try await !monitor.waitForChange(timeout: Self.nothing, quiet: Self.quiet), "a folder no longer given is not watched")
        try folder.write("photos/trip/e.png", "x")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
    }

    @Test("changes say where they happened: a folder's own files, new, moved and deleted folders, exclusion files")
    func whereChanged() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("photos/old/a.png", "x")
        try folder.write("photos/keep/b.png", "x")
        let photos = folder.file("photos").path
        let monitor = try #require(FolderMonitor.start())
        monitor.watch([photos, photos + "/old", photos + "/keep"])

        try folder.write("photos/keep/c.png", "x")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
        #expect(monitor.takeChanges() == FolderChanges(folders: [photos + "/keep"]))
        #expect(monitor.takeChanges().isEmpty, "taken once")

        try FileManager.default.createDirectory(atPath: photos + "/new", withIntermediateDirectories: false)
        try folder.write("photos/new/d.png", "x")
        try FileManager.default.removeItem(atPath: photos + "/old")
        try folder.write("photos/keep/.glimpseignore", "raw\n")
        #expect(try await monitor.waitForChange(timeout: .seconds(30), quiet: Self.quiet))
        let changes = monitor.takeChanges()
        #expect(changes.trees == [photos + "/new", photos + "/old", photos + "/keep"], "\(changes)")
        #expect(changes.places(within: [photos]) == [ScanPlace(path: photos + "/keep", wholeTree: true),
                                                     ScanPlace(path: photos + "/new", wholeTree: true),
                                                     ScanPlace(path: photos + "/old", wholeTree: true)])
    }

    @Test("a change is reported once changes stop for the quiet time, or after the longest wait while they go on")
    func settles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let monitor = try #require(FolderMonitor.start())
        monitor.watch([folder.path])
        let clock = ContinuousClock()
        let start = clock.now
        try folder.write("first.png", "x")
        #expect(try await monitor.waitForChange(timeout: .seconds(60), quiet: .milliseconds(300)))
        #expect(clock.now - start >= .milliseconds(300), "it waited for the quiet time after the change")

        // Files keep coming (a long copy, 15 s at least) until the monitor answers: only the longest wait ends it.
        // A thread of its own, so that a test run that keeps Swift's task threads busy does not stall it.
        let state = Locked((answered: false, writing: true))
        let writer = Thread {
            for index in 0..<300 where !state.withLock({ $0.answered }) {
                try? folder.write("\(index).png", "x")
                Thread.sleep(forTimeInterval: 0.05)
            }
            state.withLock { $0.writing = false }
        }
        writer.start()
        #expect(try await monitor.waitForChange(timeout: .seconds(60), quiet: .seconds(5), longest: .seconds(1)))
        let stillWriting = state.withLock { state in
            state.answered = true
            return state.writing
        }
        #expect(stillWriting, "it answered while the files kept coming")
        while state.withLock({ $0.writing }) { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("a cancelled wait ends with CancellationError")
    func cancelled() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let monitor = try #require(FolderMonitor.start())
        monitor.watch([folder.path])
        let wait = Task { try await monitor.waitForChange(timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(100))
        wait.cancel()
        await #expect(throws: CancellationError.self) { _ = try await wait.value }
    }
}
#endif
