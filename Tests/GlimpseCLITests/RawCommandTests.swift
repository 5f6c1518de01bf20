import Foundation
import Testing

/// Camera raw files through the real binary, its models and its raw worker.
@Suite("glimpse describe and index with camera raw files")
struct RawCommandTests {
    @Test("describe a DNG (its embedded preview, turned upright) and index a folder of raw files beside their JPEGs")
    func describeAndIndex() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-cli-raw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appending(path: "photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseImageTests/Fixtures/raw")
        for (fixture, name) in [("preview.dng", "DSC_0001.dng"), ("no-preview.dng", "DSC_0002.dng"), ("preview.jpg", "DSC_0002.jpg")] {
            try FileManager.default.copyItem(at: fixtures.appending(path: fixture), to: photos.appending(path: name))
        }
        let environment = ["GLIMPSE_CACHE_DIR": root.appending(path: "cache").path]

        let described = try GlimpseProcess.run(["describe", photos.appending(path: "DSC_0001.dng").path, "--json", "--points-per-side", "4"]
                                               + TinyModelFolders.describeArguments, environment: environment)
        #expect(described.status == 0, "\(described.output)")
        let start = try #require(described.output.firstIndex(of: "{"), "\(described.output)")
        let description = try #require(try JSONSerialization.jsonObject(with: Data(described.output[start...].utf8)) as? [String: Any])
        let size = description["imageSize"] as? [String: Int]
        #expect(size == ["width": 128, "height": 192], "the 192 × 128 preview, orientation 6: \(String(describing: size))")

        let index = root.appending(path: "index.sqlite").path
        let indexed = try GlimpseProcess.run(["index", photos.path, "--index", index, "--quick"] + TinyModelFolders.describeArguments,
                                             environment: environment)
        #expect(indexed.status == 0, "\(indexed.output)")
        #expect(indexed.output.contains("2 described"), "\(indexed.output)")
        #expect(indexed.output.contains("1 raw file(s) left out for the camera's JPEG of the same shot beside them"), "\(indexed.output)")
        let status = try GlimpseProcess.run(["status", "--index", index], environment: environment)
        #expect(status.output.contains("Formats: JPEG 1, camera raw 1") || status.output.contains("Formats: camera raw 1, JPEG 1"),
                "\(status.output)")
        #expect(status.output.contains("Dates taken: 1 image(s), from 2021-05-17 to 2021-05-17"), "\(status.output)")
    }
}
