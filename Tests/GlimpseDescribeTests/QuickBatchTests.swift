import GlimpseDescribe
import GlimpseImage
import Testing

/// `DescribePipeline.describeQuickly(_:)`: several pictures from shared model runs.
@Suite("Quick descriptions of several pictures at once")
struct QuickBatchTests {
    /// The whole scene and crops of its first two boxes: three pictures the fakes tell apart.
    static func pictures(_ world: FakeWorld) throws -> [RGBImage] {
        let image = world.scene.image
        return try [image] + world.scene.boxes.prefix(2).map { box in
            try image.cropped(to: PixelRect(x: box.x, y: box.y, width: box.width, height: box.height))
        }
    }

    /// A description without its timings (a batch divides its stage times among its pictures).
    static func untimed(_ description: Description) -> Description {
        var description = description
        description.timings = []
        return description
    }

    @Test("one caption run, one CLIP batch, one sentence batch; each description as one by one, the batch's time shared")
    func together() throws {
        let world = FakeWorld(scene: fourBoxes, caption: "a knife on a cutting board", regionCaptions: [0: "a red cup", 1: "a blue collar"])
        let pipeline = world.pipeline()
        let pictures = try Self.pictures(world)
        let alone = try pictures.map { try pipeline.describe($0, mode: .quick) }
        let logged = (world.captioner.log.all.count, world.embedder.log.all.count, world.sentences.log.all.count)
        let together = try pipeline.describeQuickly(pictures).map { try $0.get() }
        #expect(together.map(Self.untimed) == alone.map(Self.untimed))
        #expect(together.map(\.caption) == ["a knife on a cutting board", "a red cup", "a blue collar"])
        #expect(Array(world.captioner.log.all.dropFirst(logged.0)) == ["captions images=3 beams=3"])
        #expect(Array(world.embedder.log.all.dropFirst(logged.1)) == ["images 3"])
        #expect(Array(world.sentences.log.all.dropFirst(logged.2)) == ["sentences 3"])
        #expect(together[0].timings.map(\.stage) == ["caption", "imageEmbedding", "keywords", "textEmbedding"])
        #expect(together.allSatisfy { $0.timings == together[0].timings })
    }

    /// `FakeCaptioner` that refuses any run holding a crop of box `refused`.
    struct RefusingCaptioner: ImageCaptioning {
        var base: FakeCaptioner
        var refused: Int
        struct Refused: Error, Equatable {}
        func captions(for images: [RGBImage], beams: Int) throws -> [String] {
            if images.contains(where: { base.scene.identify($0) == refused }) { throw Refused() }
            return try base.captions(for: images, beams: beams)
        }
    }

    @Test("a model that fails the batch: one by one, so only the picture at fault gets the error")
    func failures() throws {
        let world = FakeWorld(scene: fourBoxes)
        var pipeline = world.pipeline()
        pipeline.captioner = RefusingCaptioner(base: world.captioner, refused: 0)
        let pictures = try Self.pictures(world)
        let results = pipeline.describeQuickly(pictures)
        #expect(results.count == 3)
        #expect(throws: RefusingCaptioner.Refused()) { try results[1].get() }
        #expect(try results[0].get().caption == "a cat and a dog on a bed" && results[2].get().caption == "region 1")
        #expect(world.captioner.log.all == Array(repeating: "captions images=1 beams=3", count: 2), "\(world.captioner.log.all)")
        let single = pipeline.describeQuickly([pictures[0]])
        #expect(try single.map { Self.untimed(try $0.get()) } == [Self.untimed(try pipeline.describe(pictures[0], mode: .quick))])
        #expect(pipeline.describeQuickly([]).isEmpty)
    }
}
