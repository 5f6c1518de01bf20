import Foundation
import GlimpseImage
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("Place names of located photos: the index")
struct PlaceNamingIndexTests {
    /// Names by hemisphere; `identity` says which rules (GlimpseSearch's `PlaceNamer` is tested with a real gazetteer).
    struct HemisphereNaming: PlaceNaming {
        var identity = "hemispheres 1"
        var fails = false
        func names(at location: PhotoLocation) throws -> [String] {
            if fails { throw CocoaError(.fileReadCorruptFile) }
            return location.latitude > 0 ? ["Northtown", "Nordland"] : ["Southtown", "Sudland"]
        }
    }

    /// `HemisphereNaming` whose northern town has other names.
    struct AliasedNaming: PlaceNaming {
        var identity = "hemispheres with other names 1"
        func names(at location: PhotoLocation) throws -> [String] { try HemisphereNaming().names(at: location) }
        func namedPlace(at location: PhotoLocation) throws -> NamedPlace {
            let names = try names(at: location)
            return NamedPlace(names: names, otherNames: names.first == "Northtown" ? ["Northtown": ["Nordstadt", "Villeneuve du Nord", "NORTHTOWN"]] : [:])
        }
    }

    @Test("another name of a named town finds its photos by name, not in full text; written once")
    func otherNames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try PhotoLocationIndexingTests.writeLocatedPhotos(to: folder)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        #expect(try await Self.index(folder, store, naming: AliasedNaming()).placesNamed == 2)
        let eiffel = try #require(try store.image(atPath: folder.file("eiffel.jpg").path)?.id)
        #expect(try store.imageIDs(takenAt: "nordstadt") == [eiffel] && store.imageIDs(takenAt: "Villeneuve du  Nord") == [eiffel])
        #expect(try store.imageIDs(takenAt: "Northtown") == [eiffel], "the name itself once, not again through its other names")
        #expect(try store.imageIDs(takenAt: "Sudstadt").isEmpty)
        #expect(try PhotoTagsIndexingTests.matches("Nordstadt", in: store).isEmpty, "other names are not words of the photo")
        let rows = { try store.read("") { try Row.fetchAll($0, sql: "SELECT alias, name FROM placeAlias ORDER BY alias").map { "\($0[0] as String)→\($0[1] as String)" } } }
        #expect(try rows() == ["nordstadt→northtown", "villeneuve du nord→northtown"])
        try imageFixture("places/paris.jpg").write(to: folder.file("louvre.jpg"))
        #expect(try await Self.index(folder, store, naming: AliasedNaming()).placesNamed == 1)
        #expect(try rows().count == 2 && store.imageIDs(takenAt: "Nordstadt").count == 2)
    }

    static func index(_ folder: TemporaryFolder, _ store: SQLiteIndexStore, naming: (any PlaceNaming)?) async throws -> IndexReport {
        var options = IndexOptions()
        options.placeNaming = naming
        return try await Indexer(store: store, describer: FakeDescriber(), options: options).run([folder.path])
    }

    static func place(_ name: String, _ folder: TemporaryFolder, _ store: SQLiteIndexStore) throws -> String? {
        let id = try #require(try store.image(atPath: folder.file(name).path)?.id)
        return try #require(try store.searchDocuments([id]).first).place
    }

    @Test("a run names the places of located photos, full text finds them by those names; named once, again for new rules")
    func naming() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try PhotoLocationIndexingTests.writeLocatedPhotos(to: folder)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))

        #expect(try await Self.index(folder, store, naming: nil).placesNamed == 0)
        #expect(try Self.place("eiffel.jpg", folder, store) == nil, "no namer: no names")
        let first = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(first.placesNamed == 2 && first.placeNamingError == nil)
        #expect(try Self.place("eiffel.jpg", folder, store) == "Northtown, Nordland")
        #expect(try Self.place("rio.heic", folder, store) == "Southtown, Sudland")
        #expect(try Self.place("nofix.jpg", folder, store) == nil)
        #expect(try PhotoTagsIndexingTests.matches("Nordland", in: store) == ["eiffel.jpg"])
        #expect(try PhotoTagsIndexingTests.matches("southtown", in: store) == ["rio.heic"])
        #expect(try PhotoTagsIndexingTests.matches("red", in: store).isEmpty, "the fixtures' descriptions are as before")
        let eiffel = try #require(try store.image(atPath: folder.file("eiffel.jpg").path)?.id)
        #expect(try store.imageIDs(takenAt: "NORDLAND") == [eiffel] && store.imageIDs(takenAt: "Nord").isEmpty, "whole names, any case")

        try FileManager.default.removeItem(at: folder.file("eiffel.jpg"))
        _ = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(try store.imageIDs(takenAt: "Northtown").isEmpty, "a removed image's names go with it")
        #expect(try store.read("") { try Int.fetchOne($0, sql: "SELECT count(*) FROM placeName WHERE imageId = ?", arguments: [eiffel]) } == 0)
        try imageFixture("places/paris.jpg").write(to: folder.file("eiffel.jpg"))
        #expect(try await Self.index(folder, store, naming: HemisphereNaming()).placesNamed == 1, "the photo back is named again")

        #expect(try await Self.index(folder, store, naming: HemisphereNaming()).placesNamed == 0, "named once")
        #expect(try await Self.index(folder, store, naming: HemisphereNaming(identity: "hemispheres 2")).placesNamed == 2)
    }

    @Test("a photo moved on a photo manager's map is named again; one no longer located loses its names")
    func relocated() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try imageFixture("places/paris.jpg").write(to: folder.file("eiffel.jpg"))
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(try PhotoTagsIndexingTests.matches("Northtown", in: store) == ["eiffel.jpg"])

        try Data("""
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="22,57.11496S"
              exif:GPSLongitude="43,12,37.7532W"/></rdf:RDF></x:xmpmeta>
            """.utf8).write(to: folder.file("eiffel.jpg.xmp"))
        let moved = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(moved.described == 0 && moved.tagsRead == 1 && moved.placesNamed == 1)
        #expect(try PhotoTagsIndexingTests.matches("Southtown", in: store) == ["eiffel.jpg"])
        #expect(try PhotoTagsIndexingTests.matches("Northtown", in: store).isEmpty)

        let id = try #require(try store.image(atPath: folder.file("eiffel.jpg").path)?.id)
        try store.write("") { try $0.execute(sql: "UPDATE image SET latitude = NULL, longitude = NULL WHERE id = ?", arguments: [id]) }
        #expect(try store.namePlaces(with: HemisphereNaming()) == 1)
        #expect(try Self.place("eiffel.jpg", folder, store) == nil)
        #expect(try PhotoTagsIndexingTests.matches("Southtown", in: store).isEmpty)
        #expect(try store.namePlaces(with: HemisphereNaming()) == 0)
    }

    @Test("a namer that fails (its gazetteer unreadable) is reported, the run succeeds, and the next run names the photos")
    func failing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try imageFixture("places/paris.jpg").write(to: folder.file("eiffel.jpg"))
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let failed = try await Self.index(folder, store, naming: HemisphereNaming(fails: true))
        #expect(failed.described == 1 && failed.placesNamed == 0 && failed.placeNamingError != nil)
        #expect(try Self.place("eiffel.jpg", folder, store) == nil)
        #expect(try await Self.index(folder, store, naming: HemisphereNaming()).placesNamed == 1)
        #expect(try Self.place("eiffel.jpg", folder, store) == "Northtown, Nordland")
    }

    @Test("a place a photo manager named is found by name from the run that describes the photo; import likewise; v12 mends older indexes")
    func photoManagersPlaces() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try imageFixture("tags/place-xmp.jpg").write(to: folder.file("belem.jpg"))
        let url = folder.file("index.sqlite")
        do {
            let store = try SQLiteIndexStore(url: url)
            _ = try await Self.index(folder, store, naming: nil)
            let id = try #require(try store.image(atPath: folder.file("belem.jpg").path)?.id)
            #expect(try store.imageIDs(takenAt: "Lisbon") == [id] && store.imageIDs(takenAt: "belem") == [id])
            _ = try store.importDescriptions(jsonLines: Data(#"{"path": "/scans/a.jpg", "caption": "a bridge", "tags": {"place": ["Porto"]}}"#.utf8))
            #expect(try store.imageIDs(takenAt: "Porto").count == 1)
        }
        // As Glimpse left an index before v12: the photo manager's place stored, its names not.
        let queue = try DatabaseQueue(path: url.path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM placeName; DELETE FROM grdb_migrations WHERE identifier = 'v12'")
        }
        try queue.close()
        let store = try SQLiteIndexStore(url: url)
        #expect(try store.imageIDs(takenAt: "Lisbon").count == 1 && store.imageIDs(takenAt: "Porto").count == 1)
    }

    @Test("an index of schema v6 gains the place columns; the next run reads the tags of v6's reader again once and names the places")
    func migratesVersion6() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try imageFixture("places/paris.jpg").write(to: folder.file("eiffel.jpg"))
        try imageFixture("tags/place-xmp.jpg").write(to: folder.file("belem.jpg"))
        let url = folder.file("index.sqlite")
        do {
            let store = try SQLiteIndexStore(url: url)
            _ = try await Self.index(folder, store, naming: nil)
        }
        // As the previous Glimpse left it: no place columns, tags read by reader t1 (which knew no place names).
        let queue = try DatabaseQueue(path: url.path)
        try await queue.write { db in
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier = 'v7';
                ALTER TABLE image DROP COLUMN place; ALTER TABLE image DROP COLUMN placeStamp; DROP TABLE placeName;
                UPDATE image SET tagsStamp = 't1', tags = '{"keywords":["tower"]}' WHERE path LIKE '%belem.jpg';
                UPDATE descriptionSearch SET tags = 'tower' WHERE rowid = (SELECT id FROM image WHERE path LIKE '%belem.jpg');
                UPDATE fullTextGeneration SET generation = generation + 1;
                """)
        }
        try queue.close()

        let store = try SQLiteIndexStore(url: url)
        #expect(try PhotoTagsIndexingTests.matches("Belém", in: store).isEmpty)
        #expect(try PhotoTagsIndexingTests.matches("tower", in: store) == ["belem.jpg"])
        let report = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(report.described == 0 && report.tagsRead == 1 && report.placesNamed == 1)
        #expect(try PhotoTagsIndexingTests.matches("Belém", in: store) == ["belem.jpg"], "the place a photo manager named")
        #expect(try PhotoTagsIndexingTests.matches("Nordland", in: store) == ["eiffel.jpg"])
        let belem = try #require(try store.image(atPath: folder.file("belem.jpg").path)?.id)
        #expect(try store.imageIDs(takenAt: "belem") == [belem] && store.imageIDs(takenAt: "Lisboa") == [belem], "a photo manager's names")
        let again = try await Self.index(folder, store, naming: HemisphereNaming())
        #expect(again.tagsRead == 0 && again.placesNamed == 0)
    }
}
