import Foundation
import Testing
@testable import GlimpseDescribe
import GlimpseImage
import GlimpseModels
import GlimpseRuntime
import GlimpseText

/// The tiny randomly initialised models of GlimpseModelsTests' fixtures, in model folders completed with
/// the tokenizer files the fixtures lack (`Fixtures/tiny-model-folders`), so that the real adapters and
/// the factory run end to end.
enum TinyModels {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../GlimpseModelsTests/Fixtures").standardizedFileURL

    /// SAM settings under which the tiny model proposes masks (those of its mask-generation fixture).
    static var segmentation: SAMMaskGenerationOptions {
        var options = SAMMaskGenerationOptions()
        options.pointsPerSide = 6
        options.pointsPerBatch = 12
        options.predictedIoUThreshold = 0
        options.stabilityScoreThreshold = 0.5
        options.stabilityScoreOffset = 0.05
        options.boxNMSThreshold = 1
        return options
    }

    /// The four folders (`Fixtures/tiny-model-folders`, symbolic links into the fixtures).
    static let folders: DescribeModelFolders = {
        let root = fixtures.appending(path: "tiny-model-folders", directoryHint: .isDirectory)
        func url(_ name: String) -> URL { root.appending(path: name, directoryHint: .isDirectory) }
        return DescribeModelFolders(captioner: url("tiny-blip"), segmenter: url("tiny-sam"), imageTextEmbedder: url("tiny-clip"),
                                    sentenceEmbedder: url("tiny-bert"))
    }()

    static var image: RGBImage {
        get throws { try ImageDecoder.decode(contentsOf: fixtures.appending(path: "tiny-sam/reference_image.png")) }
    }

    static func pipeline(_ options: DescribeOptions = DescribeOptions(), keywords: any KeywordExtracting = FakeKeywords()) throws -> DescribePipeline {
        try DescribePipeline.load(folders: folders, runtime: .shared(), keywords: keywords, options: options,
                                  session: SessionOptions(intraOpThreads: 1),
                                  generation: BLIPCaptioner.GenerationOptions(maxNewTokens: 8), segmentation: segmentation)
    }
}

@Suite("Describe pipeline: end to end with the tiny models")
struct EndToEndTests {
    @Test("full mode runs every stage with the real adapters")
    func full() throws {
        let description = try TinyModels.pipeline(.seedCompatible).describe(TinyModels.image, mode: .full)
        #expect(description.mode == .full)
        #expect(description.imageSize == PixelSize(width: 45, height: 37))
        #expect(!description.caption.isEmpty)
        #expect(!description.regions.isEmpty)
        // The tiny SAM's masks cover the whole picture: SAM's inclusive corners (0, 0)–(44, 36) are a 45 × 37 box.
        #expect(description.regions.first?.box == PixelBox(x: 0, y: 0, width: 45, height: 37))
        #expect(description.regions.contains { $0.caption != nil })
        #expect(description.candidates.count == 1 + description.regions.filter { $0.caption != nil }.count)
        #expect(abs(description.candidates.map(\.probability).reduce(0, +) - 1) < 1e-4)
        #expect(description.embeddings.image.count == 20)  // tiny-clip's projection_dim
        #expect(description.embeddings.text.count == 30)   // tiny-bert's hidden_size
        #expect(description.keptRegions.allSatisfy { $0.embedding.count == 20 })
        #expect(description.text.hasPrefix(description.caption))
        #expect(description.models.map(\.identifier) == ["tiny-blip", "tiny-sam", "tiny-clip", "tiny-bert"])
        #expect(description.timings.count == 8)
    }

    @Test("several regions: one BLIP batch for the crops, CLIP ranks them all")
    func severalRegions() throws {
        // The tiny SAM finds only whole-image masks; these boxes make BLIP and CLIP work on real crops.
        let boxes = [PixelBox(x: 0, y: 0, width: 22, height: 18), PixelBox(x: 23, y: 0, width: 22, height: 18),
                     PixelBox(x: 0, y: 19, width: 45, height: 18), PixelBox(x: 10, y: 5, width: 25, height: 25)]
        let proposals = boxes.map { ProposedRegion(box: $0, area: $0.area, stability: 0.96, predictedIoU: 0.9) }
        var pipeline = try TinyModels.pipeline(.seedCompatible)
        pipeline.segmenter = FakeSegmenter(proposals: proposals)
        let description = try pipeline.describe(TinyModels.image, mode: .full)
        #expect(description.regions.count == 4)
        #expect(description.regions.allSatisfy { $0.caption != nil && $0.score != nil })
        #expect(description.candidates.count == 5)
        #expect(description.keptRegions.count == 2)
        #expect(description.statistics?.regionCaptions == 4)
        // The batch's captions are those of the crops one by one (BLIP's result does not depend on the batch).
        let captioner = pipeline.captioner
        let crops = try boxes.map { try CropScreening.crop(TinyModels.image, box: $0, margin: 0.1) }
        let single = try crops.map { try captioner.captions(for: [$0], beams: 1)[0] }
        let byBox = Dictionary(uniqueKeysWithValues: description.regions.map { ($0.box, $0.caption!) })
        #expect(boxes.map { byBox[$0] } == single)
    }

    @Test("the same image gives the same description, timings aside")
    func deterministic() throws {
        let pipeline = try TinyModels.pipeline()
        var first = try pipeline.describe(TinyModels.image, mode: .full)
        var second = try pipeline.describe(TinyModels.image, mode: .full)
        first.timings = []
        second.timings = []
        #expect(first == second)
    }

    @Test("quick mode with the real adapters")
    func quick() throws {
        let description = try TinyModels.pipeline().describe(TinyModels.image, mode: .quick)
        #expect(description.mode == .quick)
        #expect(description.text == description.caption)
        #expect(description.embeddings.image.count == 20)
        #expect(description.models.map(\.identifier) == ["tiny-blip", "tiny-clip", "tiny-bert"])
    }

    @Test("the description's JSON round-trips")
    func json() throws {
        let description = try TinyModels.pipeline(.seedCompatible).describe(TinyModels.image, mode: .full)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(description)
        let decoded = try JSONDecoder().decode(Description.self, from: data)
        #expect(decoded == description)
        #expect(try encoder.encode(decoded) == data)
    }

    @Test("a model folder without its tokenizer is refused when the pipeline loads, not image by image")
    func missingTokenizer() throws {
        let folders = TinyModels.folders
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-describe-bare-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: root) }
        /// A copy of `folder` with only the model's own files.
        func bare(_ folder: URL, _ name: String) throws -> URL {
            let copy = root.appending(path: name)
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
            for file in ["config.json", "model.safetensors", "preprocessor_config.json"] {
                try FileManager.default.copyItem(at: folder.appending(path: file).resolvingSymlinksInPath(), to: copy.appending(path: file))
            }
            return copy
        }
        func refusal(_ folders: DescribeModelFolders) -> (role: String, files: [String])? {
            do {
                _ = try DescribePipeline.load(folders: folders, runtime: .shared(), keywords: FakeKeywords(), segmentation: TinyModels.segmentation)
                return nil
            } catch DescribeError.missingTokenizer(let role, _, let files) {
                return (role, files)
            } catch {
                return ("other: \(error)", [])
            }
        }
        var noCLIPTokenizer = folders
        noCLIPTokenizer.imageTextEmbedder = try bare(folders.imageTextEmbedder, "clip")
        #expect(refusal(noCLIPTokenizer)?.role == "image-text embedder")
        #expect(refusal(noCLIPTokenizer)?.files == ["vocab.json", "merges.txt"])
        var noBLIPTokenizer = folders
        noBLIPTokenizer.captioner = try bare(folders.captioner, "blip")
        #expect(refusal(noBLIPTokenizer)?.role == "captioner")
        #expect(refusal(noBLIPTokenizer)?.files == ["vocab.txt"])

        // Quick mode ranks no texts with CLIP: its tokenizer is not needed there.
        noCLIPTokenizer.segmenter = nil
        let quick = try DescribePipeline.load(folders: noCLIPTokenizer, runtime: .shared(), keywords: FakeKeywords())
        #expect(try !quick.describe(TinyModels.image, mode: .quick).caption.isEmpty)
    }

    @Test("model stamps: the manifest's repository and weights hash, else the cache folder's known repository, else the folder name")
    func stamps() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-stamps-\(ProcessInfo.processInfo.processIdentifier)")
        let cached = root.appending(path: "openai--clip-vit-base-patch32"), pulled = root.appending(path: "pulled")
        try FileManager.default.createDirectory(at: cached, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pulled, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(#"{"repository":"Salesforce/blip-image-captioning-base","revision":"main","files":{"model.safetensors":{"name":"model.safetensors","size":1,"sha256":"abc"}}}"#.utf8)
            .write(to: pulled.appending(path: ".glimpse-manifest.json"))
        #expect(ModelStamp(role: .imageTextEmbedder, folder: cached) == ModelStamp(role: .imageTextEmbedder, identifier: "openai/clip-vit-base-patch32"))
        #expect(ModelStamp(role: .captioner, folder: pulled)
                == ModelStamp(role: .captioner, identifier: "Salesforce/blip-image-captioning-base", revision: "sha256:abc"))
        #expect(ModelStamp(role: .segmenter, folder: root.appending(path: "my-sam")).identifier == "my-sam")
    }
}
