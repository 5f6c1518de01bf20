import Foundation
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("Telling folder names: searched with the description")
struct FolderNamesTests {
    @Test("the nearest two telling folders; cameras', phones' and systems' folders passed over; hidden and home folders end the walk",
          arguments: [
              ("/photos/2019/2019-06 Lisbon trip/IMG_0001.jpg", ["2019-06 Lisbon trip", "2019"]),
              ("/home/anna/Pictures/Grandma's 80th/DCIM/100CANON/IMG_0001.JPG", ["Grandma's 80th"]),
              ("/home/anna/Pictures/IMG_0001.jpg", []),
              ("/home/anna/IMG_0001.jpg", []),
              ("/Users/bob/Pictures/Photos Library.photoslibrary/originals/A/IMG.heic", ["A"]),
              ("/mnt/nas/Family/Christmas/2020/x.jpg", ["2020", "Christmas"]),
              ("/media/usb/DCIM/101APPLE/x.jpg", ["usb"]),
              ("/srv/.cache/thumbs/x.jpg", ["thumbs"]),
              ("/a/b/c/d/e/f/g/DCIM/100CANON/Camera/WhatsApp Images/Sent/x.jpg", []),
              ("x.jpg", []),
          ])
    func names(path: String, expected: [String]) {
        #expect(FolderNames.of(path: path) == expected, "\(path)")
    }

    @Test("full text finds a photo by its folder's name; a relocated folder's new name replaces the old, other rows are left alone")
    func indexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("library/Lisbon trip/a.png", red: 255, green: 0, blue: 0)
        try folder.writePNG("library/Lisbon trip/beach/b.png", red: 0, green: 0, blue: 255)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("library").path])
        #expect(try PhotoTagsIndexingTests.matches("Lisbon", in: store) == ["a.png", "b.png"])
        #expect(try PhotoTagsIndexingTests.matches("beach", in: store) == ["b.png"])

        try FileManager.default.moveItem(at: folder.file("library/Lisbon trip"), to: folder.file("library/Porto trip"))
        _ = try store.relocateImages(from: folder.file("library/Lisbon trip").path, to: folder.file("library/Porto trip").path)
        #expect(try PhotoTagsIndexingTests.matches("Porto", in: store) == ["a.png", "b.png"])
        #expect(try PhotoTagsIndexingTests.matches("Lisbon", in: store).isEmpty)

        // A file moved by hand into another folder: the run that finds it there names that folder.
        try FileManager.default.createDirectory(at: folder.file("library/Sintra"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder.file("library/Porto trip/a.png"), to: folder.file("library/Sintra/a.png"))
        let moved = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("library").path])
        #expect(moved.moved == 1 && moved.described == 0)
        #expect(try PhotoTagsIndexingTests.matches("Sintra", in: store) == ["a.png"])
        #expect(try PhotoTagsIndexingTests.matches("Porto", in: store) == ["b.png"])
    }
}
