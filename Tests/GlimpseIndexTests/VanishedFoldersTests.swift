import Foundation
import GlimpseDescribe
import Testing
@testable import GlimpseIndex

/// What an index run does with images it cannot see because a whole place is out of reach: an unmounted
/// drive (an empty mount point), a link to a folder that is gone, a folder that cannot be listed.
@Suite("Indexer: places out of reach keep their images")
struct VanishedFoldersTests {
    @Test("a folder given to the run that turned up empty keeps its images, and says so, unless removal is allowed")
    func emptyRoot() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let drive = folder.file("drive").path
        let other = folder.file("other").path
        try folder.writePNG("drive/a.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("drive/trip/b.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("other/c.png", red: 0, green: 0, blue: 250)
        try folder.writePNG("other/d.png", red: 250, green: 250, blue: 250)
        let store = try SQLiteIndexStore.inMemory()
        let indexer = Indexer(store: store, describer: FakeDescriber())
        #expect(try await indexer.run([drive, other]).described == 4)

        // Unmounted: the mount point is an empty folder.
        try FileManager.default.removeItem(atPath: drive)
        try FileManager.default.createDirectory(atPath: drive, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: folder.file("other/c.png").path)
        let report = try await indexer.run([drive, other])
        #expect(report.removed == 1, "a file deleted from a folder that still has files goes")
        #expect(try store.describedImageCount() == 3)
        let problem = try #require(report.problems.first { $0.path == drive })
        #expect(problem.message.contains("2 image(s)") && problem.message.contains("--allow-empty"), "\(problem.message)")

        let allowed = Indexer(store: store, describer: FakeDescriber(), options: IndexOptions(removesFromEmptyRoots: true))
        let emptied = try await allowed.run([drive])
        #expect(emptied.removed == 2 && emptied.problems.isEmpty)
        #expect(try store.describedImageCount() == 1)
    }

    @Test("images behind a link that now leads nowhere are kept; the link is reported")
    func brokenLink() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let photos = folder.file("photos").path
        try folder.writePNG("photos/home.png", red: 250, green: 250, blue: 0)
        try folder.writePNG("nas/album/x.png", red: 0, green: 250, blue: 250)
        try folder.writePNG("nas/album/y.png", red: 250, green: 0, blue: 250)
        try FileManager.default.createSymbolicLink(atPath: folder.file("photos/album").path, withDestinationPath: folder.file("nas/album").path)
        let store = try SQLiteIndexStore.inMemory()
        let indexer = Indexer(store: store, describer: FakeDescriber())
        #expect(try await indexer.run([photos]).described == 3)

        try FileManager.default.moveItem(atPath: folder.file("nas").path, toPath: folder.file("nas-unmounted").path)
        let report = try await indexer.run([photos])
        #expect(report.removed == 0)
        #expect(report.problems.map(\.path) == [folder.file("photos/album").path])
        #expect(try store.describedImageCount() == 3)

        try FileManager.default.removeItem(atPath: folder.file("photos/album").path)  // the link itself removed: the images go
        #expect(try await indexer.run([photos]).removed == 2)
    }

    @Test("a path is inside a place only at a folder boundary")
    func boundaries() {
        #expect(Indexer.path("/photos/a.jpg", isIn: "/photos"))
        #expect(Indexer.path("/photos", isIn: "/photos"))
        #expect(!Indexer.path("/photos-2019/a.jpg", isIn: "/photos"))
        #expect(Indexer.path("/a.jpg", isIn: "/"))
    }
}
