import Foundation
import Testing

/// `glimpse index` without folders indexes the library's remembered folders again, through the real binary
/// with the model-free test describer; `status`, `forget` and `relocate` speak of them.
@Suite("glimpse index without folders")
struct LibraryFoldersCommandTests {
    @Test("folders given are remembered with their --exclude patterns; a run without folders indexes them; forget and relocate follow")
    func rememberedFolders() throws {
        let library = try PhotoLibrary("library-folders")
        defer { library.remove() }
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        func add(_ fixture: String, as name: String, in folder: URL) throws {
            let target = folder.appending(path: name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appending(path: "\(fixture)/reference_image.png"), to: target)
        }
        try add("tiny-sam", as: "a.png", in: library.photos)
        try add("tiny-clip", as: "screens/b.png", in: library.photos)
        func glimpse(_ arguments: [String]) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(arguments + ["--index", library.index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        }
        let photos = library.photos.path

        var run = try glimpse(["index"])
        #expect(run.status != 0 && run.output.contains("There is no index at \(library.index) yet: give the folders to index"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: library.index), "nothing is created")

        run = try glimpse(["index", photos, "--exclude", "screens"])
        #expect(run.status == 0 && run.output.contains("1 described") && run.output.contains("Remembered as the library's: \(photos)"),
                "\(run.output)")
        try add("tiny-blip", as: "trips/c.png", in: library.photos)
        try add("tiny-clip", as: "screens/d.png", in: library.photos)
        run = try glimpse(["index"])
        #expect(run.status == 0 && run.output.contains("1 described") && run.output.contains("1 excluded")
                && !run.output.contains("Remembered"), "screens stays out: \(run.output)")
        var status = try glimpse(["status"])
        #expect(status.output.contains("Folders: \(photos) (2 image(s), excluding screens)"), "\(status.output)")
        #expect(status.output.contains("Last index run: ended 20") && status.output.contains("(just now) after ")
                && status.output.contains("— 1 described, 0 removed, 0 failed"), "the run without folders: \(status.output)")

        run = try glimpse(["forget", library.photos.appending(path: "trips").path])
        #expect(run.status == 0 && run.output.contains("lies in \(photos), a folder of the library"), "\(run.output)")

        let moved = library.folder.appending(path: "moved").path
        try FileManager.default.moveItem(atPath: photos, toPath: moved)
        status = try glimpse(["status"])
        #expect(status.output.contains("Folders: \(photos) (1 image(s), excluding screens, not there now)"), "\(status.output)")
        run = try glimpse(["relocate", photos, moved])
        #expect(run.status == 0 && run.output.contains("The library's folders are now: \(moved)."), "\(run.output)")
        run = try glimpse(["index", "--dry-run"])
        #expect(run.status == 0 && run.output.contains("1 new") && run.output.contains("1 unchanged")
                && run.output.contains("1 left out by exclusions"), "the forgotten trips/c.png comes back; screens stays out: \(run.output)")

        run = try glimpse(["forget", moved])
        #expect(run.status == 0 && run.output.contains("No longer remembered as the library's: \(moved)"), "\(run.output)")
        run = try glimpse(["index"])
        #expect(run.status != 0 && run.output.contains("remembers no folders yet"), "\(run.output)")
        status = try glimpse(["status"])
        #expect(status.status == 0 && !status.output.contains("Folders:"), "an empty index has nothing to say of folders: \(status.output)")
    }
}
