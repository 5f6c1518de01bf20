import Foundation
import Testing

@Suite("glimpse caption")
struct CaptionCommandTests {
    private var tinyBLIP: URL { GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-blip") }

    @Test("captions each image; a broken file is reported and the others still get captions")
    func captions() throws {
        let image = tinyBLIP.appending(path: "reference_image.png").path
        let broken = tinyBLIP.appending(path: "config.json").path
        let run = try GlimpseProcess.run(["caption", image, broken, image, "--blip", tinyBLIP.path, "--beams", "3", "--json"])
        #expect(run.status == 1)
        let documents = run.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(documents.count == 2)
        #expect(documents.allSatisfy { ($0["caption"] as? String)?.isEmpty == false })
        #expect(documents.first?["caption"] as? String == documents.last?["caption"] as? String)
        #expect(run.output.contains("config.json"))
    }

    @Test("more files than one run of 16: every good file captioned once, in the order given")
    func manyFilesInOrder() throws {
        let list = try ImageFileList(copiesOf: tinyBLIP.appending(path: "reference_image.png"), count: 19, broken: [5])
        defer { list.remove() }
        let run = try GlimpseProcess.run(["caption"] + list.files + ["--blip", tinyBLIP.path, "--beams", "1", "--max-tokens", "4", "--json"])
        #expect(run.status == 1)
        #expect(ImageFileList.printedFiles(run.output) == list.goodFiles)
        #expect(run.output.contains("broken-5.png"))
    }

    @Test("greedy and beam search are both available and bad options are refused")
    func options() throws {
        let image = tinyBLIP.appending(path: "reference_image.png").path
        let greedy = try GlimpseProcess.run(["caption", image, "--blip", tinyBLIP.path, "--beams", "1", "--max-tokens", "5"])
        #expect(greedy.status == 0, "\(greedy.output)")
        #expect(greedy.output.hasPrefix(image + "\t"))
        let bad = try GlimpseProcess.run(["caption", image, "--blip", tinyBLIP.path, "--beams", "0"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("--beams"))
    }
}

@Suite("glimpse segment")
struct SegmentCommandTests {
    private var tinySAM: URL { GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-sam") }

    @Test("segments an image, prints JSON per mask and writes an overlay PNG of the image's size")
    func segment() throws {
        let overlay = FileManager.default.temporaryDirectory.appending(path: "glimpse-overlay-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: overlay) }
        let image = tinySAM.appending(path: "reference_image.png").path
        let run = try GlimpseProcess.run(["segment", image, "--sam", tinySAM.path, "--points-per-side", "4", "--json",
                                          "--overlay", overlay.path])
        #expect(run.status == 0, "\(run.output)")
        for line in run.output.split(separator: "\n") {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((document["box"] as? [Int])?.count == 4)
        }
        let png = try Data(contentsOf: overlay)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // Width and height from the IHDR chunk: the reference image is 45×37.
        #expect(png[16..<24].elementsEqual([0, 0, 0, 45, 0, 0, 0, 37]))
    }

    @Test("--low-memory finds the same masks; the score thresholds are options (the tiny model's masks need low ones)")
    func lowMemory() throws {
        let image = tinySAM.appending(path: "reference_image.png").path
        let base = ["segment", image, "--sam", tinySAM.path, "--points-per-side", "6", "--crop-layers", "1", "--json"]
        let strict = try GlimpseProcess.run(base)
        #expect(strict.status == 0 && strict.output.isEmpty, "\(strict.output)")
        let arguments = base + ["--iou-threshold", "0", "--stability-threshold", "0"]
        let fastest = try GlimpseProcess.run(arguments), low = try GlimpseProcess.run(arguments + ["--low-memory"])
        #expect(fastest.status == 0 && low.status == 0, "\(fastest.output)\n\(low.output)")
        func masks(_ output: String) throws -> [[Int]] {
            try output.split(separator: "\n").map { line in
                let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let counts = try #require((document["segmentation"] as? [String: Any])?["counts"] as? [Int])
                return try #require(document["box"] as? [Int]) + [try #require(document["area"] as? Int)] + counts
            }
        }
        let found = try masks(fastest.output)
        #expect(found.count >= 3, "\(fastest.output)")
        #expect(try masks(low.output) == found)
    }

    @Test("crop layers and small-region removal are options; values out of range are refused")
    func cropsAndRegions() throws {
        let image = tinySAM.appending(path: "reference_crops_image.png").path
        let run = try GlimpseProcess.run(["segment", image, "--sam", tinySAM.path, "--points-per-side", "4",
                                          "--crop-layers", "1", "--min-region-area", "12", "--json"])
        #expect(run.status == 0, "\(run.output)")
        for (arguments, option) in [(["--crop-layers", "4"], "--crop-layers"), (["--crop-layers", "-1"], "--crop-layers"),
                                    (["--min-region-area", "-5"], "--min-region-area"), (["--iou-threshold", "1.5"], "--iou-threshold"),
                                    (["--stability-threshold", "-0.1"], "--stability-threshold")] {
            let bad = try GlimpseProcess.run(["segment", image, "--sam", tinySAM.path] + arguments)
            #expect(bad.status != 0)
            #expect(bad.output.contains(option), "\(bad.output)")
        }
    }

    @Test("a file that is not an image is a clear error")
    func notAnImage() throws {
        let run = try GlimpseProcess.run(["segment", tinySAM.appending(path: "config.json").path, "--sam", tinySAM.path])
        #expect(run.status != 0)
        #expect(run.output.contains("config.json"))
    }
}
