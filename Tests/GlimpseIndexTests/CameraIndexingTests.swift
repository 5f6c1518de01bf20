import Foundation
import GlimpseImage
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("The camera that took each photo: the index")
struct CameraIndexingTests {
    /// A folder of photos whose EXIF names their cameras (`Tools/fixtures/make_camera_fixtures.sh`), one
    /// tagged in a photo manager, one with nothing, indexed once.
    static func indexed() async throws -> (folder: TemporaryFolder, store: SQLiteIndexStore, indexer: Indexer) {
        let folder = try TemporaryFolder()
        for (fixture, name) in [("cameras/x100v.jpg", "a.jpg"), ("cameras/x100v.jpg", "b.jpg"), ("cameras/xt3.jpg", "c.jpg"),
                                ("cameras/d750.tif", "d.tif"), ("tags/lightroom.jpg", "tagged.jpg")] {
            try imageFixture(fixture).write(to: folder.file(name))
        }
        _ = try folder.writePNG("plain.png", red: 0, green: 0, blue: 255)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let indexer = Indexer(store: store, describer: FakeDescriber())
        _ = try await indexer.run([folder.path])
        return (folder, store, indexer)
    }

    static func names(_ ids: [ImageID], in store: SQLiteIndexStore) throws -> [String] {
        try store.searchDocuments(ids).map { ($0.path as NSString).lastPathComponent }.sorted()
    }

    @Test("cameras are counted, found by name, and a camera's name alone does not make a photo tagged")
    func counting() async throws {
        let (folder, store, _) = try await Self.indexed()
        defer { folder.remove() }
        #expect(try store.cameras() == [NamedCount(name: "FUJIFILM X100V", images: 2), NamedCount(name: "FUJIFILM X-T3", images: 1),
                                        NamedCount(name: "NIKON D750", images: 1)])
        #expect(try Self.names(store.imageIDs(takenWith: ["FUJIFILM X-T3", "NIKON D750"]), in: store) == ["c.jpg", "d.tif"])
        let fuji = try store.imageIDs(takenWith: try #require(CameraQuery("fujifilm")))
        #expect(try Self.names(fuji.images, in: store) == ["a.jpg", "b.jpg", "c.jpg"] && fuji.cameras.count == 2)
        #expect(try store.imageIDs(takenWith: try #require(CameraQuery("x100"))).images.isEmpty, "a word is matched whole")
        let summary = try store.summary()
        #expect(summary.tagged.images == 1, "only the photo tagged in Lightroom: \(summary.tagged)")
        #expect(summary.tagged.cameras.first == NamedCount(name: "FUJIFILM X100V", images: 2) && summary.tagged.cameraCount == 3)
        let id = try #require(try store.image(atPath: folder.file("d.tif").path)?.id)
        #expect(try store.searchDocuments([id]).first?.tags?.camera == "NIKON D750")
    }

    @Test("an index whose tags were read before cameras were reads them again once, without describing anything")
    func readAgain() async throws {
        let (folder, store, indexer) = try await Self.indexed()
        defer { folder.remove() }
        // What an index written by the version before looks like: stamps of t2, no camera anywhere.
        try store.write("") { db in
            try db.execute(sql: "UPDATE image SET camera = NULL, tags = NULL WHERE tags NOT LIKE '%birthday%'")
            try db.execute(sql: "UPDATE image SET tagsStamp = 't2'")
        }
        #expect(try store.cameras().isEmpty)
        let again = try await indexer.run([folder.path])
        #expect(again.described == 0 && again.tagsRead == 6, "\(again)")
        #expect(try store.cameras().map(\.images) == [2, 1, 1])
        #expect(try await indexer.run([folder.path]).tagsRead == 0)
    }

    @Test("a sidecar's camera wins over the file's, and goes when the sidecar goes")
    func sidecar() async throws {
        let (folder, store, indexer) = try await Self.indexed()
        defer { folder.remove() }
        try imageFixture("cameras/sidecar.xmp").write(to: folder.file("a.xmp"))
        #expect(try await indexer.run([folder.path]).tagsRead == 1)
        #expect(try store.cameras().map(\.name).sorted() == ["Canon EOS R5", "FUJIFILM X-T3", "FUJIFILM X100V", "NIKON D750"])
        try FileManager.default.removeItem(at: folder.file("a.xmp"))
        #expect(try await indexer.run([folder.path]).tagsRead == 1)
        #expect(try store.cameras().first == NamedCount(name: "FUJIFILM X100V", images: 2))
    }

    @Test("camera queries match whole words, without case, diacritics, hyphens or dots")
    func queries() throws {
        func matches(_ query: String, _ camera: String) throws -> Bool { try #require(CameraQuery(query)).matches(camera) }
        #expect(try matches("x100v", "FUJIFILM X100V") && matches("Fujifilm X100V", "FUJIFILM X100V"))
        #expect(try matches("xt3", "FUJIFILM X-T3") && matches("x-t3", "FUJIFILM X-T3") && matches("X.T3", "FUJIFILM X-T3"))
        #expect(try matches("iphone 12", "Apple iPhone 12 Pro") && matches("canon", "Canon EOS R5") && matches("eos r5", "Canon EOS R5"))
        #expect(try matches("leica", "Léica Q2") && matches("lumix", "Panasonic DC-S5 (LUMIX)"))
        #expect(try !matches("r5", "Canon EOS R50") && !matches("x100", "FUJIFILM X100V") && !matches("iphone 13", "Apple iPhone 12 Pro"))
        #expect(CameraQuery("  ") == nil && CameraQuery(" - ") == nil)
        let query = try #require(CameraQuery(" eos r5 "))
        #expect(query.text == "eos r5")
        #expect(try JSONDecoder().decode(CameraQuery.self, from: JSONEncoder().encode(query)) == query)
    }

    @Test("the index has the camera's column and its index (migration v9)")
    func migration() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let columns = try store.read("") { try Row.fetchAll($0, sql: "PRAGMA table_info(image)").map { $0["name"] as String } }
        #expect(columns.contains("camera"))
        let indexes = try store.read("") { try Row.fetchAll($0, sql: "PRAGMA index_list(image)").map { $0["name"] as String } }
        #expect(indexes.contains("image_on_camera"))
    }
}
