import Foundation
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("Telling file names: searched with the description")
struct FileNameWordsTests {
    @Test("the words people and web pages give a file are kept, without its numbers and codes",
          arguments: [
              ("/photos/golden-retriever-puppy.jpg", "golden retriever puppy"),
              ("/photos/cute-cat-sleeping-on-sofa-1234567.jpeg", "cute cat sleeping on sofa"),
              ("/photos/Grandma's 80th birthday.heic", "Grandma's 80th birthday"),
              ("/photos/kitten-3277268_1920.jpg", "kitten"),
              ("/photos/Lisbon 2019-06 (12).jpg", "Lisbon"),
              ("/photos/Lisbon-1.jpg", "Lisbon"),
              ("/photos/été.jpg", "été"),
              ("/photos/猫.png", "猫"),
              ("/photos/GoldenRetriever.png", "Golden Retriever"),
              ("/photos/iPhone wallpaper beach.png", "iPhone beach"),
              ("/photos/pexels-anna-shvets-1108099.jpg", "anna shvets"),
              ("/photos/sunset_over_the_sea.webp", "sunset over the sea"),
              ("/photos/beach", "beach"),
          ])
    func telling(path: String, expected: String) {
        #expect(FileNameWords.of(path: path) == expected, "\(path)")
    }

    @Test("the names cameras, phones, messaging apps and programs give yield nothing",
          arguments: [
              "IMG_0042.JPG", "IMG_E0042.HEIC", "IMG_0042 2.jpg", "_MG_1234.CR2", "DSC01234.ARW", "DSC_0042-Edit.jpg", "DSCF1234.RAF",
              "DSCN0001.JPG", "P1010123.JPG", "PA010001.ORF", "GOPR0123.JPG", "DJI_0001.DNG", "SAM_0123.JPG",
              "PXL_20230101_123456789.MP.jpg", "MVIMG_20190714_150211.jpg", "20190714_150211.jpg", "20190714_150211(0).jpg",
              "IMG-20190714-WA0001.jpg", "WhatsApp Image 2019-07-14 at 15.02.11.jpeg", "Screenshot 2019-07-14 at 15.02.11.png",
              "Screen Shot 2019-07-14 at 3.02.11 PM.png", "Screenshot_from_2019-07-14.png", "photo_2019-07-14_15-02-11.jpg",
              "FB_IMG_1563115331000.jpg", "received_123456789.jpeg", "Snapchat-123456.jpg", "image (3).png", "unnamed.jpg",
              "download (2).png", "Foto 14.07.19, 15 02 11.jpg", "photo-1503023345310-bd7c1de61c7d.jpg",
              "3F2504E0-4F89-11D3-9A0C-0305E82C3301.jpg", "3f2504e0-beef-11d3-9a0c-0305e82c3301.jpg", "kJhGfDsAqWeR.png",
              ".hidden.jpg", "a.jpg", "IMG_1234-HDR.jpg", "image.png",
          ])
    func generic(name: String) {
        #expect(FileNameWords.of(path: "/photos/" + name) == nil, "\(name)")
    }

    @Test("a file's name joins its folders' names, once when a folder has the same name")
    func pathNames() {
        #expect(SearchDocument.pathNames(of: "/photos/Lisbon trip/tram 28.jpg") == ["Lisbon trip", "tram"])
        #expect(SearchDocument.pathNames(of: "/photos/Lisbon/lisbon.jpg") == ["Lisbon"])
        #expect(SearchDocument.pathNames(of: "/mnt/Family/DCIM/IMG_0001.jpg") == ["Family"])
    }

    @Test("full text finds a photo by its file's name; a file renamed or relocated is found by its new name only")
    func indexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("library/golden-retriever-puppy.png", red: 255, green: 0, blue: 0)
        try folder.writePNG("library/IMG_0001.png", red: 0, green: 0, blue: 255)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("library").path])
        #expect(try PhotoTagsIndexingTests.matches("retriever", in: store) == ["golden-retriever-puppy.png"])
        #expect(try PhotoTagsIndexingTests.matches("img", in: store).isEmpty, "a camera's name is not searched")

        // Renamed by hand: the run that finds it under its new name searches that name.
        try FileManager.default.moveItem(at: folder.file("library/golden-retriever-puppy.png"), to: folder.file("library/labrador.png"))
        let moved = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("library").path])
        #expect(moved.moved == 1 && moved.described == 0)
        #expect(try PhotoTagsIndexingTests.matches("labrador", in: store) == ["labrador.png"])
        #expect(try PhotoTagsIndexingTests.matches("retriever", in: store).isEmpty)

        // One file relocated under another name.
        try FileManager.default.moveItem(at: folder.file("library/labrador.png"), to: folder.file("library/beagle.png"))
        _ = try store.relocateImages(from: folder.file("library/labrador.png").path, to: folder.file("library/beagle.png").path)
        #expect(try PhotoTagsIndexingTests.matches("beagle", in: store) == ["beagle.png"])
        #expect(try PhotoTagsIndexingTests.matches("labrador", in: store).isEmpty)
    }

    @Test("an index of schema v7 gets its file names searched on opening, without reading a file; camera names are left alone")
    func migratesVersion7() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("library/Lisbon/tram-on-a-hill.png", red: 255, green: 0, blue: 0)
        try folder.writePNG("library/Lisbon/IMG_0002.png", red: 0, green: 0, blue: 255)
        let url = folder.file("index.sqlite")
        do {
            let store = try SQLiteIndexStore(url: url)
            _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("library").path])
        }
        // As Glimpse 7 left it: folder names searched, file names not.
        let queue = try DatabaseQueue(path: url.path)
        let before = try await queue.write { db in
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier = 'v8';
                UPDATE descriptionSearch SET tags = 'Lisbon';
                UPDATE fullTextGeneration SET generation = generation + 1;
                """)
            return try Int.fetchOne(db, sql: "SELECT generation FROM fullTextGeneration")
        }
        try queue.close()
        try FileManager.default.removeItem(at: folder.file("library"))

        let store = try SQLiteIndexStore(url: url)
        #expect(try PhotoTagsIndexingTests.matches("tram", in: store) == ["tram-on-a-hill.png"])
        #expect(try PhotoTagsIndexingTests.matches("Lisbon", in: store) == ["IMG_0002.png", "tram-on-a-hill.png"])
        let after = try store.read("test") { try Int.fetchOne($0, sql: "SELECT generation FROM fullTextGeneration") }
        #expect(after == before.map { $0 + 1 }, "only the file with a telling name was written again")
    }
}
