import Foundation
import Testing
@testable import GlimpseDescribe
import GlimpseImage

@Suite("Describe pipeline")
struct DescribePipelineTests {
    @Test("full mode: stages in order, statistics, stamps, keywords of the final text, embeddings")
    func fullMode() throws {
        var world = FakeWorld(scene: fourBoxes, caption: "a cat and a dog on a bed", regionCaptions: [0: "a knife on a cutting board"])
        world.embedder.textScores = ["a cat and a dog on a bed": 0.3, "a knife on a cutting board": 0.4]
        let description = try world.describe()
        #expect(description.mode == .full)
        #expect(description.imageSize == PixelSize(width: 320, height: 240))
        #expect(description.timings.map(\.stage) == ["caption", "segmentation", "regions", "cropScreening", "regionCaptions",
                                                     "selection", "keywords", "textEmbedding"])
        #expect(description.timings.allSatisfy { $0.seconds >= 0 })
        #expect(description.statistics == DescribeStatistics(proposedRegions: 4, smallRegions: 0, regionCaptions: 4, blipCallsSaved: 0))
        #expect(description.models.map(\.identifier) == ["fake-blip", "fake-sam", "fake-clip", "fake-minilm"])
        #expect(description.text == "a cat and a dog on a bed. a knife on a cutting board")
        #expect(description.keywords == ["cat", "dog", "bed", "knife", "cutting", "board"])
        #expect(description.compounds == ["cutting-board"])
        #expect(description.embeddings.image == FakeEmbedder.axis(0))
        #expect(abs(description.embeddings.text.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(description.keptRegions.map(\.embedding) == [FakeEmbedder.axis(2)])
        #expect(world.segmenter.log.all == ["regions"])
    }

    @Test("quick mode: caption, CLIP embedding, keywords and text embedding; no segmentation")
    func quickMode() throws {
        let world = FakeWorld(scene: fourBoxes, caption: "a knife on a cutting board")
        let description = try world.describe(mode: .quick)
        #expect(description.mode == .quick)
        #expect(description.caption == "a knife on a cutting board")
        #expect(description.text == description.caption)
        #expect(description.regions.isEmpty && description.candidates.isEmpty)
        #expect(description.compounds == ["cutting-board"])
        #expect(description.embeddings.image == FakeEmbedder.axis(0))
        #expect(!description.embeddings.text.isEmpty)
        #expect(description.timings.map(\.stage) == ["caption", "imageEmbedding", "keywords", "textEmbedding"])
        #expect(description.models.map(\.role) == [.captioner, .imageTextEmbedder, .sentenceEmbedder])
        #expect(description.statistics == nil)
        #expect(world.segmenter.log.all.isEmpty)
        #expect(world.captioner.log.all == ["captions images=1 beams=3"])
        #expect(world.embedder.log.all == ["images 1"])
    }

    @Test("a pipeline without a segmenter describes quickly and refuses full mode")
    func noSegmenter() throws {
        let world = FakeWorld(scene: fourBoxes)
        var pipeline = world.pipeline()
        pipeline.segmenter = nil
        #expect(try pipeline.describe(world.scene.image, mode: .quick).mode == .quick)
        #expect(throws: DescribeError.noSegmenter) { try pipeline.describe(world.scene.image, mode: .full) }
    }

    @Test("beam counts are knobs")
    func beams() throws {
        var options = DescribeOptions()
        options.captionBeams = 5
        options.regionCaptionBeams = 2
        let world = FakeWorld(scene: fourBoxes)
        _ = try world.describe(options)
        #expect(world.captioner.log.all == ["captions images=1 beams=5", "captions images=4 beams=2"])
    }

    @Test("the area partition, merge IoU and cap reach the pipeline")
    func regionKnobs() throws {
        let world = FakeWorld(scene: fourBoxes)
        var options = DescribeOptions()
        options.areaPartition = 25  // 76 800 / 25 = 3 072 pixels: box 3 (3 600) stays; / 21 = 3 657: it goes
        #expect(try world.describe(options).regions.count == 4)
        options.areaPartition = 21
        let description = try world.describe(options)
        #expect(description.regions.count == 3)
        #expect(description.statistics?.smallRegions == 1)
        options = DescribeOptions()
        options.maxRegions = 1
        #expect(try world.describe(options).regions.map(\.status).filter { $0 == .overCap }.count == 3)
    }

    @Test("invalid options are refused with the option's name")
    func validation() {
        let world = FakeWorld(scene: fourBoxes)
        let cases: [(WritableKeyPath<DescribeOptions, Int>, Int, String)] = [
            (\.captionBeams, 0, "captionBeams"), (\.regionCaptionBeams, 0, "regionCaptionBeams"), (\.areaPartition, 0, "areaPartition"),
            (\.maxRegions, -1, "maxRegions"), (\.maxKeptRegions, -1, "maxKeptRegions"), (\.maxPrunedWords, -1, "maxPrunedWords"),
        ]
        for (path, value, name) in cases {
            var options = DescribeOptions()
            options[keyPath: path] = value
            #expect(throws: DescribeError.self) { try world.describe(options) }
            #expect((try? options.validate()) == nil)
            do { try options.validate() } catch { #expect(error.localizedDescription.contains(name)) }
        }
        var options = DescribeOptions()
        options.mergeIoU = 0
        #expect((try? options.validate()) == nil)
        options = DescribeOptions()
        options.cropMargin = -0.1
        #expect((try? options.validate()) == nil)
        #expect((try? DescribeOptions().validate()) != nil)
        #expect((try? DescribeOptions.seedCompatible.validate()) != nil)
    }

    @Test("a model that returns the wrong number of results is reported")
    func wrongCount() {
        struct Mute: ImageCaptioning {
            func captions(for images: [RGBImage], beams: Int) throws -> [String] { [] }
        }
        let world = FakeWorld(scene: fourBoxes)
        var pipeline = world.pipeline()
        pipeline.captioner = Mute()
        #expect(throws: DescribeError.modelOutputCount(role: "captioner", expected: 1, got: 0)) {
            try pipeline.describe(world.scene.image, mode: .quick)
        }
    }

    @Test("captions are trimmed and their whitespace collapsed")
    func cleanCaptions() throws {
        let world = FakeWorld(scene: fourBoxes, caption: "  a dog \n on a  bed ")
        #expect(try world.describe(mode: .quick).caption == "a dog on a bed")
    }

    @Test("the defaults are the issue's")
    func defaults() {
        let options = DescribeOptions()
        #expect(options.captionBeams == 3 && options.regionCaptionBeams == 1)
        #expect(options.areaPartition == 64 && options.mergeIoU == 0.8 && options.maxRegions == 12)
        #expect(options.maxKeptRegions == 3 && options.selection == .beatsCaption && !options.pruneWords)
        let seed = DescribeOptions.seedCompatible
        #expect(seed.selection == .topByScore && seed.maxKeptRegions == 2 && seed.repeatSimilarity == nil)
        #expect(seed.duplicateCropSimilarity == nil && seed.wholeImageSimilarity == nil)
    }

    @Test("a full description round-trips through JSON; one without statistics or caption settings still decodes")
    func json() throws {
        var world = FakeWorld(scene: fourBoxes, regionCaptions: [0: "a knife on a cutting board"])
        world.embedder.textScores = ["a knife on a cutting board": 0.5]
        let description = try world.describe()
        #expect(description.captionSettings == "fake beams=3")
        let data = try JSONEncoder().encode(description)
        #expect(try JSONDecoder().decode(Description.self, from: data) == description)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["statistics"] = nil
        object["captionSettings"] = nil
        let older = try JSONDecoder().decode(Description.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.statistics == nil && older.captionSettings == nil)
        #expect(older.regions == description.regions)
    }
}
