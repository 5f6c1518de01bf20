import Testing
@testable import GlimpseDescribe
import GlimpseImage

/// Four regions in reading order of size: 0, 1, 2 (100 × 80) and 3 (60 × 60).
let fourBoxes = Scene(boxes: [PixelBox(x: 20, y: 20, width: 100, height: 80), PixelBox(x: 150, y: 20, width: 100, height: 80),
                              PixelBox(x: 20, y: 140, width: 100, height: 80), PixelBox(x: 150, y: 140, width: 60, height: 60)])

@Suite("Describe pipeline: crop skipping")
struct CropScreeningTests {
    @Test("a crop that looks like the whole image is not captioned")
    func nothingBeyondImage() throws {
        var world = FakeWorld(scene: fourBoxes)
        world.embedder.crops = [0: FakeEmbedder.vector(cosine: 0.97), 1: FakeEmbedder.vector(cosine: 0.9)]
        let description = try world.describe()
        #expect(description.regions.map(\.status).first == .nothingBeyondImage)
        #expect(description.regions[0].caption == nil)
        #expect(description.regions[1].caption != nil)
        #expect(description.statistics?.blipCallsSaved == 1)
        #expect(description.statistics?.regionCaptions == 3)
        #expect(world.captioner.log.all == ["captions images=1 beams=3", "captions images=3 beams=1"])
    }

    @Test("a crop that repeats an earlier captioned crop is not captioned")
    func duplicateCrop() throws {
        var world = FakeWorld(scene: fourBoxes)
        world.embedder.crops = [1: FakeEmbedder.axis(7), 2: FakeEmbedder.axis(7), 3: FakeEmbedder.axis(7)]
        let description = try world.describe()
        #expect(description.regions.map { $0.status == .duplicateCrop } == [false, false, true, true])
        #expect(description.regions.map { $0.caption == nil } == [false, false, true, true])
        #expect(description.statistics?.blipCallsSaved == 2)
        #expect(world.captioner.log.all.last == "captions images=2 beams=1")
    }

    @Test("duplicates are judged against captioned crops only")
    func duplicateOfSkipped() throws {
        var world = FakeWorld(scene: fourBoxes)
        let first: [Float] = FakeEmbedder.vector(cosine: 0.96), second = FakeEmbedder.vector(cosine: 0.9)
        #expect(VectorMath.cosine(first, second) > 0.95)
        world.embedder.crops = [0: first, 1: second]
        let description = try world.describe()
        #expect(description.regions[0].status == .nothingBeyondImage)
        #expect(description.regions[1].caption != nil)
        #expect(description.statistics?.blipCallsSaved == 1)
    }

    @Test("both thresholds are knobs, and nil turns a check off")
    func thresholds() throws {
        var world = FakeWorld(scene: fourBoxes)
        world.embedder.crops = [0: FakeEmbedder.vector(cosine: 0.97), 2: FakeEmbedder.axis(7), 3: FakeEmbedder.axis(7)]
        var options = DescribeOptions()
        options.wholeImageSimilarity = 0.98
        var description = try world.describe(options)
        #expect(description.regions.map { $0.caption == nil } == [false, false, false, true])
        options.duplicateCropSimilarity = nil
        description = try world.describe(options)
        #expect(description.regions.allSatisfy { $0.caption != nil })
        #expect(description.statistics?.blipCallsSaved == 0)
        options = DescribeOptions()
        options.wholeImageSimilarity = nil
        description = try world.describe(options)
        #expect(description.regions.map { $0.caption == nil } == [false, false, false, true])
        options.duplicateCropSimilarity = 1.5
        #expect(throws: DescribeError.self) { try world.describe(options) }
    }

    @Test("the seed-compatible preset skips no crop")
    func seedSkipsNothing() throws {
        var world = FakeWorld(scene: fourBoxes)
        world.embedder.crops = [0: FakeEmbedder.vector(cosine: 0.99), 2: FakeEmbedder.axis(7), 3: FakeEmbedder.axis(7)]
        let description = try world.describe(.seedCompatible)
        #expect(description.regions.allSatisfy { $0.caption != nil })
        #expect(description.statistics?.blipCallsSaved == 0)
        #expect(world.captioner.log.all.last == "captions images=4 beams=1")
    }

    @Test("CLIP embeds the whole image and every crop in one batch; merged and capped regions are not cropped")
    func oneBatch() throws {
        var options = DescribeOptions()
        options.maxRegions = 2
        let world = FakeWorld(scene: fourBoxes)
        let description = try world.describe(options)
        #expect(world.embedder.log.all.filter { $0.hasPrefix("images") } == ["images 3"])
        #expect(description.regions.map(\.status).suffix(2) == [.overCap, .overCap])
        #expect(description.regions.suffix(2).allSatisfy { $0.caption == nil && $0.score == nil && $0.embedding.isEmpty })
    }

    @Test("crops are the box plus the context margin, clipped to the image")
    func cropMargin() throws {
        let image = fourBoxes.image
        let box = PixelBox(x: 20, y: 20, width: 100, height: 80)
        let wide = try CropScreening.crop(image, box: box, margin: 0.1)
        #expect((wide.width, wide.height) == (120, 96))
        let tight = try CropScreening.crop(image, box: box, margin: 0)
        #expect((tight.width, tight.height) == (100, 80))
        #expect(tight.rgb(x: 0, y: 0) == image.rgb(x: 20, y: 20))
        let corner = try CropScreening.crop(image, box: PixelBox(x: 0, y: 0, width: 50, height: 50), margin: 0.2)
        #expect((corner.width, corner.height) == (60, 60))
    }

    @Test("the pipeline crops with the configured margin")
    func marginKnob() throws {
        // A margin of 0.5 grows the 100 × 80 box by 50 and 40 pixels on each side.
        var options = DescribeOptions()
        options.cropMargin = 0.5
        options.maxRegions = 1
        let world = FakeWorld(scene: Scene(boxes: [PixelBox(x: 100, y: 80, width: 100, height: 80)]))
        let recorder = SizeRecorder(inner: world.embedder)
        let pipeline = DescribePipeline(captioner: world.captioner, segmenter: world.segmenter, embedder: recorder,
                                        sentences: world.sentences, keywords: world.keywords, options: options)
        _ = try pipeline.describe(world.scene.image, mode: .full)
        #expect(recorder.log.all == ["320x240", "200x160"])
    }
}

/// Records the sizes of the pictures it embeds, then asks `inner`.
struct SizeRecorder: ImageTextEmbedding {
    var inner: FakeEmbedder
    let log = CallLog()
    var logitScale: Float { inner.logitScale }

    func embed(images: [RGBImage]) throws -> [[Float]] {
        for image in images { log.add("\(image.width)x\(image.height)") }
        return try inner.embed(images: images)
    }

    func embed(texts: [String]) throws -> [[Float]] { try inner.embed(texts: texts) }
}
