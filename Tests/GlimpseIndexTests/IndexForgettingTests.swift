import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseIndex

/// `IndexStore.forgetImages(under:)`: folders leave the index, files stay where they are.
@Suite("forgetting folders")
struct IndexForgettingTests {
    static func store(in folder: TemporaryFolder, paths: [String]) throws -> SQLiteIndexStore {
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        for (index, path) in paths.enumerated() {
            let description = sampleDescription(caption: "photo \(index) of a dog", keywords: ["dog"], image: [1, Float(index), 0])
            try store.saveDescription(description, for: FileFacts(path: path, size: 10, modified: 1, contentHash: "h\(index)"))
        }
        try store.prepareForSearch()
        return store
    }

    @Test("removes what lies under each place, at folder boundaries only; a dry run counts and changes nothing")
    func forget() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try Self.store(in: folder, paths: ["/p/work/a.jpg", "/p/work/deep/b.jpg", "/p/work2/c.jpg", "/p/home/d.jpg", "/p/e.jpg"])
        #expect(try store.embeddingMatrix(.image).rows == 5)

        let dry = try store.forgetImages(under: ["/p/work/", "/p/work/deep"], dryRun: true)
        #expect(dry.places == [.init(path: "/p/work", images: 2, keptDescriptions: 0), .init(path: "/p/work/deep", images: 1, keptDescriptions: 0)])
        #expect(dry.found == 2 && dry.removed == 0, "an image under two places counts once")
        #expect(try store.images(under: ["/"]).count == 5)

        let report = try store.forgetImages(under: ["/p/work", "/p/e.jpg", "/p/nothing-here"])
        #expect(report.removed == 3)
        #expect(report.places.map(\.images) == [2, 1, 0])
        #expect(try store.images(under: ["/"]).map(\.facts.path).sorted() == ["/p/home/d.jpg", "/p/work2/c.jpg"])
        #expect(try store.embeddingMatrix(.image).rows == 2, "search's files were rebuilt without them")
        #expect(try store.fullTextMatches(#require(FullTextExpression(anyOf: ["dog"])), limit: 10).count == 2)
    }

    @Test("relative paths are taken from the current folder")
    func relative() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let current = FileManager.default.currentDirectoryPath
        let store = try Self.store(in: folder, paths: [current + "/photos/a.jpg", current + "/other/b.jpg"])
        #expect(try store.forgetImages(under: ["./photos/../photos"]).removed == 1)
        #expect(try store.images(under: ["/"]).map(\.facts.path) == [current + "/other/b.jpg"])
    }

    @Test("refused while an index run holds the index, which stays as it was")
    func refusedDuringRun() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try Self.store(in: folder, paths: ["/p/a.jpg"])
        let lockURL = try #require(store.runLockURL)
        let lock = try #require(try FileLock.tryAcquire(lockURL))
        #expect(throws: IndexError.runInProgress(path: folder.file("index.sqlite").path, holder: getpid())) {
            try store.forgetImages(under: ["/p"])
        }
        withExtendedLifetime(lock) {}
        #expect(try store.images(under: ["/"]).count == 1)
    }
}
