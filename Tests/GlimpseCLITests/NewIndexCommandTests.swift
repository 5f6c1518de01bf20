import Foundation
import Testing

/// `glimpse index` whose models cannot be loaded leaves no empty index behind, and never touches one that was there.
@Suite("glimpse index without its models")
struct NewIndexCommandTests {
    @Test("a first run whose models are missing creates nothing; an existing index stays as it was")
    func missingModels() throws {
        let library = try PhotoLibrary("no-models")
        defer { library.remove() }
        try library.add("images/photo_400x267.jpg", as: "hike.jpg")
        let index = library.folder.appending(path: "new/index.sqlite")
        let noModels = ["--blip", "/no/model/here", "--clip", "/no/model/here", "--minilm", "/no/model/here", "--quick"]
        let failed = try GlimpseProcess.run(["index", library.photos.path, "--index", index.path] + noModels)
        #expect(failed.status != 0 && failed.output.contains("/no/model/here"), "\(failed.output)")
        #expect(!FileManager.default.fileExists(atPath: index.path) && !FileManager.default.fileExists(atPath: index.path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: index.deletingLastPathComponent().path), "the folder made for it is gone too")

        let made = try GlimpseProcess.run(["index", library.photos.path, "--index", library.index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(made.status == 0, "\(made.output)")
        let again = try GlimpseProcess.run(["index", library.photos.path, "--index", library.index] + noModels)
        #expect(again.status != 0)
        let status = try GlimpseProcess.run(["status", "--index", library.index])
        #expect(status.status == 0 && status.output.contains("Images: 1 — 1 full"), "\(status.output)")
    }
}
