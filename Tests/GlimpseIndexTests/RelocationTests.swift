import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseIndex

/// `SQLiteIndexStore.relocateImages(from:to:)`: a library that moved keeps its descriptions.
@Suite("relocating a library")
struct RelocationTests {
    @Test("entries move with their ids and descriptions; the next index run reads nothing again")
    func moves() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("old/a/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("old/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("oldish/blue.png", red: 0, green: 0, blue: 250)  // shares the prefix, not the folder
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = FakeDescriber()
        _ = try await Indexer(store: store, describer: describer).run([folder.file("old").path, folder.file("oldish").path])
        let red = try #require(try store.image(atPath: folder.file("old/a/red.png").path))
        try FileManager.default.moveItem(at: folder.file("old"), to: folder.file("new"))

        let dry = try store.relocateImages(from: folder.file("old").path, to: folder.file("new").path, dryRun: true)
        #expect(dry.images == 2 && dry.foundAtNewPlace == 2 && dry.alreadyThere == 0)
        #expect(try store.image(atPath: red.facts.path) != nil, "a dry run changes nothing")

        let report = try store.relocateImages(from: folder.file("old").path, to: folder.file("new").path)
        #expect(report.images == 2 && !report.dryRun)
        #expect(try store.image(atPath: folder.file("new/a/red.png").path)?.id == red.id)
        #expect(try store.image(atPath: folder.file("oldish/blue.png").path) != nil, "a sibling with the same prefix stays")
        #expect(try store.searchDocuments([red.id]).first?.path == folder.file("new/a/red.png").path)

        let rerun = try await Indexer(store: store, describer: describer).run([folder.file("new").path])
        #expect(rerun.plan.unchanged == 2 && rerun.processed == 0 && rerun.removed == 0 && describer.callCount == 3)
    }

    @Test("refusals change nothing: a destination missing or inside, nothing indexed, no file at its new path")
    func refusals() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("old/red.png", red: 250, green: 0, blue: 0)
        try FileManager.default.createDirectory(at: folder.file("empty"), withIntermediateDirectories: true)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("old").path])
        let old = folder.file("old").path
        for (to, reason) in [(folder.file("nowhere").path, "does not exist"), (old + "/inner", "inside the other"),
                             (folder.file("empty").path, "none of the 1 indexed file(s) is at its new path")] {
            #expect { try store.relocateImages(from: old, to: to) } throws: { error in
                "\(error.localizedDescription)".contains(reason)
            }
        }
        #expect { try store.relocateImages(from: folder.file("empty").path, to: old) } throws: { error in
            error.localizedDescription.contains("nothing is indexed under")
        }
        #expect(try store.image(atPath: old + "/red.png") != nil)

        let forced = try store.relocateImages(from: old, to: folder.file("empty").path, evenIfMissing: true)
        #expect(forced.images == 1 && forced.foundAtNewPlace == 0)
        #expect(try store.image(atPath: folder.file("empty/red.png").path) != nil)
    }

    @Test("folders named beyond ASCII: entries and kept descriptions move by whole characters")
    func unicodeNames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("Café 📷/été/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("Café 📷/été/green.png", red: 0, green: 250, blue: 0)
        let old = folder.file("Café 📷").path
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let indexer = Indexer(store: store, describer: FakeDescriber())
        _ = try await indexer.run([old])
        let greenHash = ContentHash.of(try Data(contentsOf: URL(filePath: old + "/été/green.png")))
        try FileManager.default.removeItem(atPath: old + "/été/green.png")
        _ = try await indexer.run([old])  // green's description is kept aside, last seen under the old name
        try FileManager.default.moveItem(atPath: old, toPath: folder.file("Fotos – 2024").path)

        let report = try store.relocateImages(from: old, to: folder.file("Fotos – 2024").path)
        #expect(report.images == 1 && report.foundAtNewPlace == 1)
        #expect(try store.image(atPath: folder.file("Fotos – 2024/été/red.png").path) != nil)
        #expect(try store.shelvedDescription(withContentHash: greenHash)?.path == folder.file("Fotos – 2024/été/green.png").path)
    }

    @Test("an image already indexed at its new path keeps that entry; the old one goes, its description kept when needed")
    func alreadyThere() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("old/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("old/green.png", red: 0, green: 250, blue: 0)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("old").path])
        try FileManager.default.copyItem(at: folder.file("old"), to: folder.file("new"))
        try store.addPending([FileFacts(path: folder.file("new/red.png").path, size: 1, modified: 1)])  // a run stopped early

        let report = try store.relocateImages(from: folder.file("old").path, to: folder.file("new").path)
        #expect(report.alreadyThere == 1 && report.images == 2)
        #expect(try store.image(atPath: folder.file("new/red.png").path)?.status == .pending)
        #expect(try store.image(atPath: folder.file("new/green.png").path)?.status == .full)
        #expect(try store.images(under: [folder.file("old").path]).isEmpty)
        #expect(try store.summary().shelved == 1, "the red photo's description waits for the pending entry's run")
    }
}
