import Foundation
import GlimpseImage
import Testing
@testable import GlimpseIndex

@Suite("Where photos were taken: the index")
struct PhotoLocationIndexingTests {
    /// The Eiffel Tower's photo (`eiffel.jpg`), Rio's (`rio.heic`) and one without a GPS fix (`nofix.jpg`).
    static func writeLocatedPhotos(to folder: TemporaryFolder) throws {
        try imageFixture("places/paris.jpg").write(to: folder.file("eiffel.jpg"))
        try imageFixture("places/rio.heic").write(to: folder.file("rio.heic"))
        try imageFixture("places/nofix.jpg").write(to: folder.file("nofix.jpg"))
    }

    @Test("a run records where each photo was taken; the photos within a distance of a place are found")
    func near() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.writeLocatedPhotos(to: folder)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.path])
        let louvre = try #require(PhotoLocation(latitude: 48.8606, longitude: 2.3376))  // 3.2 km from the tower
        func names(_ area: NearbyArea) throws -> [String] {
            try store.searchDocuments(try store.imageIDs(takenWithin: area)).map { ($0.path as NSString).lastPathComponent }.sorted()
        }
        #expect(try names(NearbyArea(center: louvre, kilometres: 4)) == ["eiffel.jpg"])
        #expect(try names(NearbyArea(center: louvre, kilometres: 3)).isEmpty)
        #expect(try names(NearbyArea(center: louvre, kilometres: 10_000)) == ["eiffel.jpg", "rio.heic"])
        let rio = try #require(try store.image(atPath: folder.file("rio.heic").path))
        let location = try #require(try store.searchDocuments([rio.id]).first?.tags?.location)
        #expect(abs(location.latitude + 22.951916) < 1e-6)
        #expect(try store.summary().tagged.located == 2)
    }

    @Test("an area near a pole or across the date line looks at every longitude")
    func bounds() throws {
        let pole = try #require(PhotoLocation(latitude: 89.9, longitude: 10))
        #expect(NearbyArea(center: pole, kilometres: 50).bounds.longitudes == -180...180)
        let dateLine = try #require(PhotoLocation(latitude: 0, longitude: 179.95))
        #expect(NearbyArea(center: dateLine, kilometres: 20).bounds.longitudes == -180...180)
        let paris = try #require(PhotoLocation(latitude: 48.85, longitude: 2.35))
        let box = NearbyArea(center: paris, kilometres: 10).bounds
        #expect(box.latitudes.contains(48.93) && !box.latitudes.contains(48.95) && box.longitudes.contains(2.48) && !box.longitudes.contains(2.50))
    }
}
