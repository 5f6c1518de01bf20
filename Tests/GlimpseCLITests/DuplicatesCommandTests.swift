import Foundation
import Testing
@testable import glimpse

/// `glimpse duplicates` through the real binary, with the model-free test describer.
@Suite("glimpse duplicates")
struct DuplicatesCommandTests {
    @Test("lists the photos indexed under several paths, with the space the copies take; --in and --json")
    func duplicates() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-duplicates-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        let photo = fixtures.appending(path: "tiny-sam/reference_image.png")
        for (name, source) in [("photos/a.png", photo), ("photos/2024/a copy.png", photo), ("inbox/a.png", photo),
                               ("photos/b.png", fixtures.appending(path: "tiny-clip/reference_image.png"))] {
            let target = root.appending(path: name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: target)
        }
        let index = root.appending(path: "index.sqlite").path
        func glimpse(_ arguments: [String]) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(arguments + ["--index", index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        }
        let indexed = try glimpse(["index", root.appending(path: "photos").path, root.appending(path: "inbox").path])
        #expect(indexed.status == 0, "\(indexed.output)")

        let size = try #require(try FileManager.default.attributesOfItem(atPath: photo.path)[.size] as? Int)
        let plain = try glimpse(["duplicates"])
        #expect(plain.status == 0, "\(plain.output)")
        #expect(plain.output.contains("3 copies, "), "\(plain.output)")
        #expect(plain.output.contains("  \(root.appending(path: "inbox/a.png").path)\n"), "\(plain.output)")
        #expect(plain.output.contains("1 photo(s) stored more than once; the 2 extra copies take"), "\(plain.output)")
        #expect(!plain.output.contains("b.png"), "\(plain.output)")

        let json = try glimpse(["duplicates", "--json", "--in", root.appending(path: "inbox").path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        #expect(report["extraCopies"] as? Int == 2 && report["extraBytes"] as? Int == 2 * size, "\(json.output)")
        #expect(((report["groups"] as? [[String: Any]])?.first?["paths"] as? [String])?.count == 3, "\(json.output)")

        let none = try glimpse(["duplicates", "--in", root.appending(path: "photos/b.png").path])
        #expect(none.status == 0 && none.output.contains("No indexed photo is stored twice with a copy under"), "\(none.output)")

        // Look-alikes by their image embeddings (the test describer's: the same picture, the same vector).
        let alike = try glimpse(["duplicates", "--similarity", "0.999"])
        #expect(alike.status == 0 && alike.output.contains("3 images alike (similarity 1.000 or more):"), "\(alike.output)")
        #expect(alike.output.contains("1 group(s) of look-alikes, 3 images."), "\(alike.output)")
        let alikeJSON = try glimpse(["duplicates", "--similarity", "0.999", "--json", "--in", root.appending(path: "photos").path])
        let groups = try #require((try JSONSerialization.jsonObject(with: Data(alikeJSON.output.utf8)) as? [String: Any])?["groups"]
            as? [[String: Any]], "\(alikeJSON.output)")
        #expect(groups.map { ($0["paths"] as? [String])?.count } == [2], "only the images under photos/ are compared: \(alikeJSON.output)")
        let refused = try glimpse(["duplicates", "--similarity", "1.5"])
        #expect(refused.status != 0 && refused.output.contains("--similarity is a cosine above 0 and at most 1"), "\(refused.output)")
    }
}

@Suite("byte counts for people")
struct ByteCountTextTests {
    @Test("bytes, then one decimal below 10 units, then whole units, in powers of 1,000")
    func text() {
        let cases: [(Int64, String)] = [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (4_130_000, "4.1 MB"),
                                        (9_960_000, "10 MB"), (999_499, "999 KB"), (999_500, "1.0 MB"), (30_000_000_000, "30 GB"),
                                        (Int64.max, "9.2 EB")]
        for (count, text) in cases { #expect(DuplicatesCommand.bytes(count) == text, "\(count)") }
    }
}
