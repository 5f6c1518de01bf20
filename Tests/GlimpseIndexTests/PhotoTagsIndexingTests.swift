import Foundation
import GlimpseImage
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("Tags people wrote: the index")
struct PhotoTagsIndexingTests {
    /// A photo tagged by ExifTool as Lightroom tags (`Tools/fixtures/make_tag_fixtures.sh`).
    static func tagged(_ name: String) throws -> Data { try imageFixture("tags/\(name)") }

    /// The images whose full-text row matches `word`, by file name.
    static func matches(_ word: String, in store: SQLiteIndexStore) throws -> [String] {
        let expression = try #require(FullTextExpression(anyOf: [word]))
        let ids = try store.fullTextMatches(expression, limit: 10).map(\.image)
        return try store.searchDocuments(ids).map { ($0.path as NSString).lastPathComponent }.sorted()
    }

    @Test("a run stores each photo's tags and full text finds them; search documents carry them")
    func indexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.tagged("lightroom.jpg").write(to: folder.file("birthday.jpg"))
        try Self.tagged("iptc.jpg").write(to: folder.file("harbour.jpg"))
        try folder.writePNG("plain.png", red: 255, green: 0, blue: 0)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let report = try await Indexer(store: store, describer: FakeDescriber()).run([folder.path])
        #expect(report.described == 3 && report.tagsRead == 0)

        #expect(try Self.matches("Paris", in: store) == ["birthday.jpg"], "a hierarchical keyword's last part")
        #expect(try Self.matches("Karenina", in: store) == ["birthday.jpg"], "a face region's name")
        #expect(try Self.matches("candles", in: store) == ["birthday.jpg"], "the caption")
        #expect(try Self.matches("Ålesund", in: store) == ["harbour.jpg"], "IPTC's caption")
        #expect(try Self.matches("red", in: store) == ["plain.png"], "descriptions are found as before")
        let id = try #require(try store.image(atPath: folder.file("birthday.jpg").path)?.id)
        let document = try #require(try store.searchDocuments([id]).first)
        #expect(document.tags?.title == "Grandma's birthday" && document.tags?.rating == 4)
        #expect(try store.read("") { try Int.fetchOne($0, sql: "SELECT rating FROM image WHERE id = ?", arguments: [id]) } == 4)
    }

    @Test("a sidecar added, changed or removed is read again without describing the photo; NAME.EXT.xmp before NAME.xmp")
    func sidecars() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.tagged("lightroom.jpg").write(to: folder.file("IMG_0001.jpg"))
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)
        _ = try await indexer.run([folder.path])
        #expect(try Self.matches("mountain", in: store).isEmpty)

        // darktable's way, with the extension in any case.
        try Self.tagged("sidecar.xmp").write(to: folder.file("IMG_0001.JPG.XMP"))
        let added = try await indexer.run([folder.path])
        #expect(added.tagsRead == 1 && added.plan.unchanged == 1 && describer.callCount == 1)
        #expect(try Self.matches("mountain", in: store) == ["IMG_0001.jpg"])
        #expect(try Self.matches("Paris", in: store) == ["IMG_0001.jpg"], "the photo's own keywords stay")
        let path = folder.file("IMG_0001.jpg").path
        #expect(try store.searchDocuments([try #require(store.image(atPath: path)?.id)]).first?.tags?.rating == 2)

        let unchanged = try await indexer.run([folder.path])
        #expect(unchanged.tagsRead == 0)

        // Lightroom's name beside it loses to darktable's; once darktable's goes, it is read.
        try Data(#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>lighthouse</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"#.utf8)
            .write(to: folder.file("IMG_0001.xmp"))
        #expect(try await indexer.run([folder.path]).tagsRead == 0)
        try FileManager.default.removeItem(at: folder.file("IMG_0001.JPG.XMP"))
        let switched = try await indexer.run([folder.path])
        #expect(switched.tagsRead == 1)
        #expect(try Self.matches("lighthouse", in: store) == ["IMG_0001.jpg"])
        #expect(try Self.matches("mountain", in: store).isEmpty, "the removed sidecar's keywords are gone")

        try FileManager.default.removeItem(at: folder.file("IMG_0001.xmp"))
        #expect(try await indexer.run([folder.path]).tagsRead == 1)
        #expect(try Self.matches("lighthouse", in: store).isEmpty)
        #expect(describer.callCount == 1, "the photo was described once")
    }

    @Test("the picture without its metadata: equal for a file before and after a photo manager tagged it, not for another orientation",
          arguments: [("images/orient1_24x16.jpg", "tags/lightroom.jpg"), ("images/orient1_24x16.jpg", "tags/iptc.jpg"),
                      ("images/orient8_24x16.png", "tags/tagged.png"), ("images/orient3_24x16.webp", "tags/tagged.webp")])
    func pictureHash(original: String, tagged: String) throws {
        let before = try imageFixture(original), after = try imageFixture(tagged)
        #expect(ContentHash.of(before) != ContentHash.of(after), "the files differ")
        let format = ImageFormat.detect(before.prefix(16))
        let picture = try #require(ContentHash.ofPicture(in: before, format: format))
        #expect(picture.hasPrefix("p1:") && ContentHash.ofPicture(in: after, format: format) == picture)
    }

    @Test("another picture, another orientation, or a cut file has another fingerprint or none")
    func pictureHashDiffers() throws {
        let up = try imageFixture("images/orient1_24x16.jpg")
        let picture = ContentHash.ofPicture(in: up, format: .jpeg)
        #expect(ContentHash.ofPicture(in: try imageFixture("images/orient6_24x16.jpg"), format: .jpeg) != picture)
        #expect(ContentHash.ofPicture(in: try imageFixture("images/photo_400x267.jpg"), format: .jpeg) != picture)
        #expect(ContentHash.ofPicture(in: up.prefix(40), format: .jpeg) == nil, "no scan data")
        #expect(ContentHash.ofPicture(in: try imageFixture("tags/tagged.tif"), format: .tiff) == nil, "not known for TIFF")
        // The same bytes with its orientation changed in the EXIF block, as a photo manager rotates a photo.
        var rotated = [UInt8](try imageFixture("images/orient6_24x16.jpg"))
        let value = try #require(Self.orientationOffset(in: rotated))
        #expect(rotated[value] == 6)
        let original = ContentHash.ofPicture(in: Data(rotated), format: .jpeg)
        rotated[value] = 3
        #expect(ContentHash.ofPicture(in: Data(rotated), format: .jpeg) != original)
    }

    /// Where the value of the first orientation entry (tag 0x0112, a SHORT) lies in a file's EXIF block.
    static func orientationOffset(in bytes: [UInt8]) -> Int? {
        for index in 0..<(bytes.count - 10) {
            if bytes[index] == 0x12, bytes[index + 1] == 0x01, bytes[index + 2] == 3 { return index + 8 }  // little-endian
            if bytes[index] == 0x01, bytes[index + 1] == 0x12, bytes[index + 3] == 3 { return index + 9 }  // big-endian
        }
        return nil
    }

    @Test("tags written into a photo's file read it again without describing it; another picture in the file is described")
    func tagsWrittenIntoTheFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try imageFixture("images/orient1_24x16.jpg").write(to: folder.file("photo.jpg"))
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)
        _ = try await indexer.run([folder.path])
        try Self.tagged("lightroom.jpg").write(to: folder.file("photo.jpg"))  // the same picture, tagged by Lightroom
        let tagged = try await indexer.run([folder.path])
        #expect(tagged.described == 0 && tagged.tagsRead == 1 && describer.callCount == 1, "\(tagged)")
        #expect(try Self.matches("Paris", in: store) == ["photo.jpg"])
        let stored = try #require(try store.image(atPath: folder.file("photo.jpg").path))
        #expect(stored.facts.contentHash == ContentHash.of(try Self.tagged("lightroom.jpg")), "the entry follows the file")
        #expect(try await indexer.run([folder.path]).tagsRead == 0)

        try imageFixture("images/photo_400x267.jpg").write(to: folder.file("photo.jpg"))
        let replaced = try await indexer.run([folder.path])
        #expect(replaced.described == 1 && describer.callCount == 2)
        #expect(try Self.matches("Paris", in: store).isEmpty)
    }

    @Test("a watch's look at only the folder where a sidecar was written reads it; a sidecar's event names the folder")
    func watchedFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.tagged("iptc.jpg").write(to: folder.file("2024/harbour.jpg"), createFolders: true)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let indexer = Indexer(store: store, describer: FakeDescriber())
        _ = try await indexer.run([folder.path])
        try Self.tagged("sidecar.xmp").write(to: folder.file("2024/harbour.jpg.xmp"))
        var changes = FolderChanges()
        changes.record(in: folder.file("2024").path, name: "harbour.jpg.xmp", isFolder: false)
        #expect(changes.folders == [folder.file("2024").path])
        let pass = try await indexer.run([folder.path], only: [ScanPlace(path: folder.file("2024").path, wholeTree: false)])
        #expect(pass.tagsRead == 1 && pass.described == 0)
        #expect(try Self.matches("mountain", in: store) == ["harbour.jpg"])
    }

    @Test("a copy of a tagged photo elsewhere gets its own sidecar's tags; a moved photo keeps its description and reads its tags")
    func copiesAndMoves() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.tagged("iptc.jpg").write(to: folder.file("a/harbour.jpg"), createFolders: true)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let indexer = Indexer(store: store, describer: FakeDescriber())
        _ = try await indexer.run([folder.path])
        try Self.tagged("iptc.jpg").write(to: folder.file("b/harbour.jpg"), createFolders: true)
        try Self.tagged("sidecar.xmp").write(to: folder.file("b/harbour.xmp"))
        let copied = try await indexer.run([folder.path])
        #expect(copied.copied == 1)
        #expect(try Self.matches("mountain", in: store) == ["harbour.jpg"])
        #expect(try Self.matches("boat", in: store) == ["harbour.jpg", "harbour.jpg"])

        try FileManager.default.moveItem(at: folder.file("a/harbour.jpg"), to: folder.file("a/moved.jpg"))
        try Self.tagged("sidecar.xmp").write(to: folder.file("a/moved.xmp"))
        let moved = try await indexer.run([folder.path])
        #expect(moved.moved == 1 && moved.described == 0)
        #expect(try Self.matches("mountain", in: store) == ["harbour.jpg", "moved.jpg"])
    }

    @Test("an index of schema v5 keeps its full text, gains the tags column, and reads unchanged files' tags once")
    func migratesVersion5() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.tagged("lightroom.jpg").write(to: folder.file("photos/birthday.jpg"), createFolders: true)
        let url = folder.file("index.sqlite")
        // An index written by the previous Glimpse: described, in full text, with no tags read.
        do {
            let store = try SQLiteIndexStore(url: url)
            _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("photos").path])
        }
        let queue = try DatabaseQueue(path: url.path)
        try await queue.write { db in
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier = 'v6';
                DROP INDEX image_on_rating;
                ALTER TABLE image DROP COLUMN tags; ALTER TABLE image DROP COLUMN rating; ALTER TABLE image DROP COLUMN tagsStamp;
                ALTER TABLE image DROP COLUMN pictureHash;
                DROP INDEX image_on_latitude; ALTER TABLE image DROP COLUMN latitude; ALTER TABLE image DROP COLUMN longitude;
                DROP TRIGGER image_after_delete;
                CREATE VIRTUAL TABLE old USING fts5(text, keywords, compounds, tokenize = "\(IndexDatabase.ftsTokenizer)");
                INSERT INTO old (rowid, text, keywords, compounds) SELECT rowid, text, keywords, compounds FROM descriptionSearch;
                DROP TABLE descriptionSearch;
                ALTER TABLE old RENAME TO descriptionSearch;
                CREATE TRIGGER image_after_delete AFTER DELETE ON image BEGIN DELETE FROM descriptionSearch WHERE rowid = old.id; END;
                """)
        }
        try queue.close()

        let store = try SQLiteIndexStore(url: url)
        let described = try Self.matches("photo", in: store)
        #expect(described == ["birthday.jpg"], "the description's full text survived the migration")
        #expect(try Self.matches("Paris", in: store).isEmpty, "tags not read yet")
        let report = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("photos").path])
        #expect(report.tagsRead == 1 && report.described == 0)
        #expect(try Self.matches("Paris", in: store) == ["birthday.jpg"])
        let again = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("photos").path])
        #expect(again.tagsRead == 0)
    }
}

private extension Data {
    func write(to url: URL, createFolders: Bool) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(to: url)
    }
}
