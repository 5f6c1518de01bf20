import Foundation
import Testing
@testable import GlimpseIndex

@Suite("Camera raw files in the index")
struct CameraRawIndexingTests {
    func put(_ fixture: String, at name: String, in folder: TemporaryFolder) throws {
        let target = folder.file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try imageFixture("raw/\(fixture)").write(to: target)
    }

    @Test("raw files are described with their size and date; one beside the camera's JPEG is left out until the JPEG goes")
    func rawFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try put("no-preview.dng", at: "shots/IMG_0001.dng", in: folder)
        try put("small-preview.dng", at: "shots/IMG_0002.DNG", in: folder)
        try folder.writePNG("shots/img_0002.JPG", red: 250, green: 0, blue: 0)  // the content decides, not the name
        try put("preview.dng", at: "shots/IMG_0003.dng", in: folder)
        try folder.writePNG("shots/IMG_0003.jpg", red: 0, green: 250, blue: 0)
        try folder.write("shots/.glimpseignore", "IMG_0003.jpg\n")  // its JPEG left out: the raw file is indexed
        try put("crashes-libraw-0.20.dng", at: "shots/broken.dng", in: folder)
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)

        var report = try await indexer.run([folder.file("shots").path])
        #expect(report.rawsBesideRenderings == 1 && report.excluded == 1)
        #expect(report.described == 3, "IMG_0001.dng, img_0002.JPG, IMG_0003.dng")
        #expect(report.failures.map { ($0.path as NSString).lastPathComponent } == ["broken.dng"])
        #expect(report.failures.first?.message.contains("LibRaw") == true, "\(report.failures)")
        let developed = try #require(try store.image(atPath: folder.file("shots/IMG_0001.dng").path))
        #expect(developed.status == .full && developed.facts.format == "camera raw")
        let previewed = try #require(try store.image(atPath: folder.file("shots/IMG_0003.dng").path))
        #expect(previewed.facts.taken == "2021-05-17T10:11:12")
        #expect(try store.image(atPath: folder.file("shots/IMG_0002.DNG").path) == nil)
        #expect(try store.summary().formats == ["camera raw": 3, "PNG": 1], "the damaged DNG counts too")

        try FileManager.default.removeItem(at: folder.file("shots/img_0002.JPG"))
        report = try await indexer.run([folder.file("shots").path])
        #expect(report.rawsBesideRenderings == 0 && report.described == 1 && report.removed == 1)
        let alone = try #require(try store.image(atPath: folder.file("shots/IMG_0002.DNG").path))
        #expect(alone.status == .full && alone.facts.taken == "2019-01-02T03:04:05")
    }
}
