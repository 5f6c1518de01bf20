import Foundation
import Testing

/// `glimpse index --exclude`, `.glimpseignore` and `glimpse forget` through the real binary, with the
/// model-free test describer.
@Suite("glimpse index --exclude and glimpse forget")
struct ExcludeForgetCommandTests {
    @Test("what --exclude and .glimpseignore name is left out (and removed once indexed); forget removes folders and says when a path has nothing")
    func excludeAndForget() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-exclude-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appending(path: "photos")
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        for (name, fixture) in [("a.png", "tiny-sam"), ("trips/b.png", "tiny-clip"), ("screens/c.png", "tiny-blip"), ("@eaDir/d.png", "tiny-sam")] {
            let target = photos.appending(path: name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appending(path: "\(fixture)/reference_image.png"), to: target)
        }
        let index = root.appending(path: "index.sqlite").path
        let environment = ["GLIMPSE_TEST_DESCRIBER": "colour"]
        func glimpse(_ arguments: [String]) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(arguments + ["--index", index], environment: environment)
        }

        var run = try glimpse(["index", photos.path, "--exclude", "screens"])
        #expect(run.status == 0 && run.output.contains("2 described") && run.output.contains("2 excluded"), "\(run.output)")
        try Data("trips/\n".utf8).write(to: photos.appending(path: ".glimpseignore"))
        run = try glimpse(["index", photos.path])
        #expect(run.status == 0 && run.output.contains("1 described") && run.output.contains("1 removed"), "screens is back, trips is out: \(run.output)")

        run = try glimpse(["forget", photos.appending(path: "screens").path, "--dry-run"])
        #expect(run.status == 0 && run.output.contains("1 image(s) would be forgotten"), "\(run.output)")
        run = try glimpse(["forget", photos.appending(path: "screens").path, root.appending(path: "elsewhere").path])
        #expect(run.status == 1, "a path with nothing indexed is an error: \(run.output)")
        #expect(run.output.contains("Nothing is indexed under \(root.appending(path: "elsewhere").path)") && run.output.contains("Forgot 1 image(s)"),
                "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: photos.appending(path: "screens/c.png").path), "the file is untouched")
        var status = try glimpse(["status"])
        #expect(status.output.contains("Images: 1 — 1 full"), "\(status.output)")
        #expect(status.output.contains("Kept from removed images: 2 description(s)"), "trips left out, screens forgotten: \(status.output)")

        // Forgetting for good deletes what was kept from under a place, even with nothing indexed there.
        run = try glimpse(["forget", "--for-good", photos.appending(path: "trips").path])
        #expect(run.status == 0 && run.output.contains("deleted 1 kept description(s)"), "\(run.output)")
        try FileManager.default.removeItem(at: photos.appending(path: ".glimpseignore"))
        run = try glimpse(["index", photos.path])
        #expect(run.status == 0 && run.output.contains("1 described") && run.output.contains("1 taken back from removed images"),
                "trips is described again, screens takes its description back: \(run.output)")
        status = try glimpse(["status", "--json"])
        #expect(status.output.contains("\"shelvedDescriptions\" : 0"), "\(status.output)")

        // The library moves to another disk: the index follows without describing anything again.
        let moved = root.appending(path: "moved")
        try FileManager.default.moveItem(at: photos, to: moved)
        run = try glimpse(["relocate", photos.path, moved.appending(path: "nowhere").path])
        #expect(run.status != 0 && run.output.contains("does not exist"), "\(run.output)")
        run = try glimpse(["relocate", photos.path, moved.path])
        #expect(run.status == 0 && run.output.contains("Moved 3 image(s)") && run.output.contains("3 of their files are there"),
                "\(run.output)")
        try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-sam/reference_image.png"), to: moved.appending(path: "e.png"))
        run = try glimpse(["index", moved.path, "--dry-run"])
        #expect(run.status == 0 && run.output.contains("Dry run: 4 image file(s) found — 1 new, 0 to describe again")
                && run.output.contains("3 unchanged; 0 indexed image(s) gone") && run.output.contains("Nothing changed."), "\(run.output)")
        run = try glimpse(["index", moved.path])
        #expect(run.status == 0 && run.output.contains("1 duplicate(s)") && run.output.contains("3 unchanged"),
                "the dry run left the index as it was, and the run found the relocated files unchanged: \(run.output)")
    }
}
