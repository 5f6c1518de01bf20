import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseIndex

/// `IndexOptions.dryRun`: the plan of a run, with nothing read, described or written.
@Suite("index dry run")
struct IndexDryRunTests {
    @Test("counts new, changed, unchanged and gone files; changes nothing and describes nothing, even while a run holds the index")
    func plan() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let photos = folder.file("photos").path
        let red = try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
        let green = try folder.writePNG("photos/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("photos/blue.png", red: 0, green: 0, blue: 250)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = FakeDescriber()
        _ = try await Indexer(store: store, describer: describer).run([photos])

        try folder.writePNG("photos/new/yellow.png", red: 250, green: 250, blue: 0)
        try folder.writePNG("photos/red.png", red: 128, green: 0, blue: 0, width: 9)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: red)
        try FileManager.default.removeItem(atPath: green)
        try folder.write("photos/notes.txt", "not an image")
        let before = try store.images(under: [photos]).sorted { $0.id < $1.id }

        let lockURL = try #require(store.runLockURL)
        let lock = try #require(try FileLock.tryAcquire(lockURL))
        var options = IndexOptions()
        options.dryRun = true
        let report = try await Indexer(store: store, describer: describer, options: options).run([photos])
        withExtendedLifetime(lock) {}
        #expect(report.plan.found == 3 && report.plan.new == 1 && report.plan.toProcess == 2 && report.plan.unchanged == 1)
        #expect(report.plan.missing == 1 && report.processed == 0 && report.removed == 0 && !report.cancelled)
        #expect(describer.callCount == 3, "nothing described")
        #expect(try store.images(under: [photos]).sorted { $0.id < $1.id } == before, "nothing written: no pending row, nothing removed")
        #expect(try store.summary().shelved == 0)
    }
}
