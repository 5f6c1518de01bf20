import Foundation
import GlimpseDescribe
import GRDB
import Testing
@testable import GlimpseIndex

/// Descriptions of removed images kept aside by content, and taken back by an index run.
@Suite("kept descriptions of removed images")
struct ShelvedDescriptionTests {
    static let hash = "0123456789abcdef0123456789abcdef"

    static func described(_ caption: String, in store: SQLiteIndexStore, at path: String, hash: String? = hash,
                          mode: DescribeMode = .full) throws -> ImageID {
        var description = sampleDescription(caption: caption, regions: ["a knife on a board"], keywords: ["dog"],
                                            image: [1, 0, 0], text: [0, 1, 0], regionVector: [0, 0, 1])
        description.mode = mode
        return try store.saveDescription(description, for: FileFacts(path: path, size: 10, modified: 1, contentHash: hash))
    }

    @Test("a removed image's description and embeddings are kept out of search and come back whole at a new path")
    func roundTrip() throws {
        let store = try SQLiteIndexStore.inMemory()
        let id = try Self.described("a dog on a bed", in: store, at: "/p/old/dog.jpg")
        let original = try #require(try store.description(of: id))
        try store.removeImages([id])

        let kept = try #require(try store.shelvedDescription(withContentHash: Self.hash))
        #expect(kept.status == .full && kept.path == "/p/old/dog.jpg")
        #expect(try store.summary().shelved == 1)
        #expect(try store.describedImageCount() == 0)
        #expect(try store.embeddingMatrix(.image).rows == 0 && store.embeddingMatrix(.region).rows == 0)
        #expect(try store.fullTextMatches(#require(FullTextExpression(anyOf: ["dog"])), limit: 10).isEmpty)

        let facts = FileFacts(path: "/p/new/dog.jpg", size: 10, modified: 2, contentHash: Self.hash)
        let restored = try #require(try store.restoreShelvedDescription(for: facts))
        #expect(try store.description(of: restored) == original)
        #expect(try store.image(atPath: "/p/new/dog.jpg")?.status == .full)
        #expect(try store.embeddingMatrix(.region).rows == 1)
        #expect(try store.fullTextMatches(#require(FullTextExpression(anyOf: ["dog"])), limit: 10).map(\.image) == [restored])
        #expect(try store.shelvedDescription(withContentHash: Self.hash) == nil, "taken off the shelf")
        #expect(try store.read("test") { try Int.fetchOne($0, sql: "SELECT count(*) FROM shelvedEmbedding") } == 0)
        #expect(try store.restoreShelvedDescription(for: FileFacts(path: "/p/x.jpg", contentHash: Self.hash)) == nil)
    }

    @Test("kept only for the last described copy, never without a content hash, never when asked not to")
    func whatIsKept() throws {
        let store = try SQLiteIndexStore.inMemory()
        let first = try Self.described("a dog", in: store, at: "/p/a.jpg")
        let second = try Self.described("a dog", in: store, at: "/p/b.jpg")
        try store.removeImages([first])
        #expect(try store.shelvedDescription(withContentHash: Self.hash) == nil, "a copy is still indexed")
        try store.removeImages([second])
        #expect(try store.shelvedDescription(withContentHash: Self.hash)?.path == "/p/b.jpg")

        let unhashed = try Self.described("a cat", in: store, at: "/p/c.jpg", hash: nil)
        let other = try Self.described("a cow", in: store, at: "/p/d.jpg", hash: "ffff")
        try store.removeImages([unhashed])
        try store.removeImages([other], shelving: false)
        #expect(try store.summary().shelved == 1)
    }

    @Test("a quick description does not replace a full one kept for the same content; a full one replaces a quick one")
    func fullWins() throws {
        let store = try SQLiteIndexStore.inMemory()
        try store.removeImages([try Self.described("full text", in: store, at: "/p/a.jpg")])
        try store.removeImages([try Self.described("quick text", in: store, at: "/p/b.jpg", mode: .quick)])
        #expect(try store.shelvedDescription(withContentHash: Self.hash)?.status == .full)
        let restored = try #require(try store.restoreShelvedDescription(for: FileFacts(path: "/p/c.jpg", contentHash: Self.hash)))
        #expect(try store.description(of: restored)?.caption == "full text")

        try store.removeImages([try Self.described("quick", in: store, at: "/p/d.jpg", hash: "other", mode: .quick)])
        #expect(try store.shelvedDescription(withContentHash: "other")?.status == .quick)
        try store.removeImages([try Self.described("full", in: store, at: "/p/e.jpg", hash: "other")])
        #expect(try store.shelvedDescription(withContentHash: "other")?.status == .full)
    }

    @Test("expiry by date, and deletion by place with a dry run that only counts")
    func discarding() throws {
        let store = try SQLiteIndexStore.inMemory()
        for (index, path) in ["/p/work/a.jpg", "/p/work/deep/b.jpg", "/p/work2/c.jpg"].enumerated() {
            try store.removeImages([try Self.described("photo \(index)", in: store, at: path, hash: "h\(index)")])
        }
        #expect(try store.discardShelvedDescriptions(under: ["/p/work", "/p/work/deep/"], dryRun: true) == [2, 1])
        #expect(try store.summary().shelved == 3)
        #expect(try store.discardShelvedDescriptions(shelvedBefore: Date(timeIntervalSinceNow: -3600)) == 0)
        #expect(try store.discardShelvedDescriptions(under: ["/p/work"], dryRun: false) == [2])
        #expect(try store.shelvedDescription(withContentHash: "h2") != nil)
        #expect(try store.discardShelvedDescriptions(shelvedBefore: Date(timeIntervalSinceNow: 3600)) == 1)
        #expect(try store.summary().shelved == 0)
        #expect(try store.read("test") { try Int.fetchOne($0, sql: "SELECT count(*) FROM shelvedEmbedding") } == 0,
                "their embeddings go with them")
    }

    @Test("an index made before kept descriptions existed is migrated and keeps its images")
    func migratesVersion2() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        try makeEarlierIndex(at: url, upTo: "v2", imageAt: "/p/old.jpg", status: .pending)
        let store = try SQLiteIndexStore(url: url)
        #expect(try store.image(atPath: "/p/old.jpg")?.status == .pending)
        try store.removeImages([try Self.described("a dog", in: store, at: "/p/dog.jpg")])
        #expect(try store.summary().shelved == 1)
    }
}

/// What index runs and `forget` do with kept descriptions.
@Suite("taking back kept descriptions")
struct ShelvedDescriptionIndexingTests {
    /// A folder of a red and a green photo, indexed once, then the red one deleted and indexed again:
    /// its description is kept aside. `saved` is the red photo's bytes, to put back.
    struct DeletedPhoto {
        let folder: TemporaryFolder
        let photos: String
        let red: String
        let saved: Data
        let store: SQLiteIndexStore
        let describer: FakeDescriber
        let original: Description

        var indexer: Indexer { Indexer(store: store, describer: describer) }

        init() async throws {
            let folder = try TemporaryFolder()
            let photos = folder.file("photos").path
            let red = try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
            try folder.writePNG("photos/green.png", red: 0, green: 250, blue: 0)
            let store = try SQLiteIndexStore.inMemory()
            let indexer = Indexer(store: store, describer: FakeDescriber())
            _ = try await indexer.run([photos])
            original = try #require(try store.image(atPath: red).flatMap { try store.description(of: $0.id) })
            saved = try Data(contentsOf: URL(filePath: red))
            try FileManager.default.removeItem(atPath: red)
            let report = try await indexer.run([photos])
            #expect(try report.removed == 1 && store.summary().shelved == 1)
            (self.folder, self.photos, self.red, self.store) = (folder, photos, red, store)
            describer = try #require(indexer.describer as? FakeDescriber)
        }
    }

    @Test("a deleted photo put back later takes its description back without the describer; a changed one does not")
    func deletedAndPutBack() async throws {
        let library = try await DeletedPhoto()
        defer { library.folder.remove() }
        let (store, describer) = (library.store, library.describer)
        let back = library.folder.file("photos/restored/red.png")
        try FileManager.default.createDirectory(at: back.deletingLastPathComponent(), withIntermediateDirectories: true)
        try library.saved.write(to: back)
        var report = try await library.indexer.run([library.photos])
        #expect(report.restored == 1 && report.described == 0 && describer.callCount == 2)
        #expect(try store.image(atPath: back.path).flatMap { try store.description(of: $0.id) } == library.original)
        #expect(try store.summary().shelved == 0)

        // Other content at the old path is described as usual.
        try library.folder.writePNG("photos/red.png", red: 0, green: 0, blue: 250)
        report = try await library.indexer.run([library.photos])
        #expect(report.described == 1 && report.restored == 0 && describer.callCount == 3)
    }

    @Test("a kept description that cannot be read any more is dropped and the picture described as usual")
    func unreadable() async throws {
        let library = try await DeletedPhoto()
        defer { library.folder.remove() }
        let store = library.store
        try store.write("test") { try $0.execute(sql: "UPDATE shelvedDescription SET json = '{\"not\": \"a description\"}'") }

        try library.saved.write(to: URL(filePath: library.red))
        let report = try await library.indexer.run([library.photos])
        #expect(report.described == 1 && report.restored == 0 && report.failures.isEmpty && library.describer.callCount == 3)
        #expect(try store.image(atPath: library.red)?.status == .full)
        #expect(try store.summary().shelved == 0)
    }

    @Test("a quick run takes back a full description; a full run describes what was only kept quick")
    func modes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let photos = folder.file("photos").path
        let red = try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/yellow.png", red: 250, green: 250, blue: 0)  // the folder never turns up empty
        let saved = try Data(contentsOf: URL(filePath: red))
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber()
        let quick = Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick))
        let full = Indexer(store: store, describer: describer)

        _ = try await quick.run([photos])
        try FileManager.default.removeItem(atPath: red)
        _ = try await quick.run([photos])
        try saved.write(to: URL(filePath: red))
        var report = try await full.run([photos])
        #expect(report.restored == 0 && report.described == 1 && report.enriched == 1)
        #expect(describer.modes == [.quick, .quick, .full, .full], "yellow is enriched, red described in full")

        try FileManager.default.removeItem(atPath: red)
        _ = try await full.run([photos])
        try saved.write(to: URL(filePath: red))
        report = try await quick.run([photos])
        #expect(report.restored == 1 && describer.callCount == 4)
        #expect(try store.image(atPath: red)?.status == .full)
    }

    @Test("forget keeps descriptions aside; for good deletes them and those kept earlier from under the place")
    func forget() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let photos = folder.file("photos").path
        try folder.writePNG("photos/a/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/b/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("photos/b/blue.png", red: 0, green: 0, blue: 250)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)
        _ = try await indexer.run([photos])

        let forgotten = try store.forgetImages(under: [photos + "/a"])
        #expect(try forgotten.removed == 1 && !forgotten.forGood && store.summary().shelved == 1)
        var report = try await indexer.run([photos])
        #expect(report.restored == 1 && describer.callCount == 3)

        try FileManager.default.removeItem(atPath: photos + "/b/green.png")
        _ = try await indexer.run([photos])
        let dry = try store.forgetImages(under: [photos + "/b"], forGood: true, dryRun: true)
        #expect(try dry.places.map(\.images) == [1] && dry.places.map(\.keptDescriptions) == [1] && store.summary().shelved == 1)
        let gone = try store.forgetImages(under: [photos + "/b"], forGood: true)
        #expect(try gone.removed == 1 && gone.keptDescriptionsDeleted == 1 && store.summary().shelved == 0)
        try FileManager.default.removeItem(atPath: photos + "/b/blue.png")
        report = try await indexer.run([photos])
        #expect(report.described == 0 && report.restored == 0)
        try folder.writePNG("photos/b/blue.png", red: 0, green: 0, blue: 250)
        report = try await indexer.run([photos])
        #expect(report.described == 1 && report.restored == 0 && describer.callCount == 4)
    }
}
