import Foundation
import GlimpseDescribe
import GlimpseImage
import Testing
@testable import GlimpseIndex

/// `Indexer+Attempts.swift`: files a run began and never finished are read first and alone; a file two
/// runs never finished is failed without being read.
@Suite("A file that crashes the process")
struct CrashGuardTests {
    /// Names the colour, and records what the store says is unfinished at each call.
    final class WatchingDescriber: ImageDescribing, @unchecked Sendable {
        let store: SQLiteIndexStore
        private let lock = NSLock()
        private var seen: [(colour: String, unfinished: [String: Int])] = []
        init(store: SQLiteIndexStore) { self.store = store }
        var calls: [(colour: String, unfinished: [String: Int])] { lock.withLock { seen } }

        func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
            Thread.sleep(forTimeInterval: 0.05)  // time for the next files to be read meanwhile, if they may be
            let unfinished = try store.unfinishedAttempts()
            lock.withLock { seen.append((FakeDescriber.colorName(image), unfinished)) }
            return try FakeDescriber().describe(image, mode: mode)
        }
    }

    @Test("unfinished once: read first and alone; twice: failed unread; all records cleared after the run")
    func suspects() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let red = try folder.writePNG("photos/a-red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/b-green.png", red: 0, green: 250, blue: 0)
        let blue = try folder.writePNG("photos/c-blue.png", red: 0, green: 0, blue: 250)
        try folder.writePNG("photos/d-yellow.png", red: 250, green: 250, blue: 0)
        let store = try SQLiteIndexStore.inMemory()
        try store.beginAttempt(at: blue)                      // one run stopped while on it
        try store.beginAttempt(at: red)
        try store.beginAttempt(at: red)                       // two runs did
        try store.beginAttempt(at: folder.file("photos/gone.png").path)  // a file deleted since
        let describer = WatchingDescriber(store: store)
        var options = IndexOptions()
        options.lookahead = 3
        let report = try await Indexer(store: store, describer: describer, options: options).run([folder.file("photos").path])

        #expect(report.failures.map(\.path) == [red])
        #expect(report.failures.first?.message == Indexer.crashedTwiceMessage)
        #expect(try store.image(atPath: red)?.status == .failed)
        #expect(report.described == 3 && report.unfinishedBefore == 1)
        let calls = describer.calls
        #expect(calls.map(\.colour) == ["blue", "green", "yellow"], "the suspect first, then in order")
        #expect(calls.first?.unfinished == [blue: 2], "nothing else in flight while the suspect is described")
        #expect(try store.unfinishedAttempts().isEmpty)

        // With --retry-failed the file is read again, alone and first.
        options.retryFailed = true
        let watching = WatchingDescriber(store: store)
        try store.beginAttempt(at: red)
        try store.beginAttempt(at: red)
        let retried = try await Indexer(store: store, describer: watching, options: options).run([folder.file("photos").path])
        #expect(retried.described == 1 && watching.calls.map(\.colour) == ["red"])
        #expect(watching.calls.first?.unfinished == [red: 3])
        #expect(try store.image(atPath: red)?.status == .full)
        #expect(try store.unfinishedAttempts().isEmpty)
    }

    @Test("files that fail leave no record behind")
    func noLeftovers() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
        try folder.write("photos/broken.jpg", "not a JPEG")
        let store = try SQLiteIndexStore.inMemory()
        let report = try await Indexer(store: store, describer: FakeDescriber(failOnColor: "red")).run([folder.file("photos").path])
        #expect(report.failures.count == 2)
        #expect(try store.unfinishedAttempts().isEmpty)
    }
}
