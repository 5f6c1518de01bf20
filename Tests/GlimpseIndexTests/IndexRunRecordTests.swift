import Foundation
import Testing
@testable import GlimpseIndex

/// `IndexRunRecord`: the index remembers what its last run did and when it ended.
@Suite("the last run's record")
struct IndexRunRecordTests {
    @Test("a run leaves its record, the next one replaces it, a dry run leaves none")
    func records() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let photos = folder.file("photos").path
        #expect(try store.lastRun() == nil && store.summary().lastRun == nil)

        let before = Date()
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([photos])
        let first = try #require(try store.lastRun())
        #expect(first.described == 1 && first.removed == 0 && first.failed == 0 && !first.cancelled && first.places == nil)
        #expect(first.roots == [photos])
        let ended = try #require(first.finishedDate)
        #expect(ended.timeIntervalSince(before) > -1 && ended.timeIntervalSinceNow < 1, "\(first.finished)")

        try FileManager.default.removeItem(at: folder.file("photos/red.png"))
        var dryRun = IndexOptions()
        dryRun.dryRun = true
        _ = try await Indexer(store: store, describer: FakeDescriber(), options: dryRun).run([photos])
        #expect(try store.lastRun() == first, "a dry run changes nothing")
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([photos], only: [ScanPlace(path: photos, wholeTree: true)])
        let second = try #require(try store.summary().lastRun)
        #expect(second.described == 0 && second.removed == 1 && second.places == 1)
    }
}
