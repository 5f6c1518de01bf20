import Foundation
import Testing
@testable import GlimpseDescribe
import GlimpseImage
import GlimpseModels
import GlimpseRuntime

/// A full pass that enriches a quick one takes the quick pass's main caption when the captioner would
/// write the same one, and only then.
@Suite("Describe pipeline: reusing an earlier caption")
struct CaptionReuseTests {
    /// A quick description whose caption the captioner would not write now, so that a reuse shows.
    func earlier(_ world: FakeWorld, options: DescribeOptions = DescribeOptions()) throws -> Description {
        var quick = try world.pipeline(options).describe(world.scene.image, mode: .quick)
        quick.caption = "an earlier caption"
        return quick
    }

    func world() -> FakeWorld {
        var world = FakeWorld(scene: fourBoxes, caption: "a cat and a dog on a bed", regionCaptions: [0: "a knife on a cutting board"])
        world.embedder.textScores = ["a knife on a cutting board": 0.4]
        return world
    }

    @Test("same captioner and settings: the full pass takes the caption and asks BLIP only for the crops")
    func reused() throws {
        let world = world()
        let previous = try earlier(world)
        let calls = world.captioner.log.all.count
        let full = try world.pipeline().describe(world.scene.image, mode: .full, reusing: previous)
        #expect(full.caption == "an earlier caption")
        #expect(full.text.hasPrefix("an earlier caption"))
        #expect(full.statistics?.captionReused == true)
        #expect(full.captionSettings == "fake beams=3")
        #expect(Array(world.captioner.log.all.dropFirst(calls)) == ["captions images=4 beams=1"])
        // Everything else is what a fresh full pass computes.
        var fresh = try world.pipeline().describe(world.scene.image, mode: .full)
        #expect(fresh.statistics?.captionReused == nil)
        fresh.caption = full.caption
        #expect(fresh.regions.map(\.box) == full.regions.map(\.box))
        #expect(fresh.embeddings.image == full.embeddings.image)
        #expect(full.models == fresh.models)
    }

    @Test("anything that could change the caption makes the full pass caption again")
    func notReused() throws {
        let world = world()
        let size = PixelSize(width: world.scene.size.width - 1, height: world.scene.size.height)
        var otherBeams = DescribeOptions()
        otherBeams.captionBeams = 5
        var unknownSettings = world
        unknownSettings.captioner.settings = nil
        let base = try earlier(world)
        var cases: [(String, Description, FakeWorld)] = []
        cases.append(("other beams", try earlier(world, options: otherBeams), world))
        cases.append(("captioner cannot say", base, unknownSettings))
        cases.append(("earlier description without settings", modified(base) { $0.captionSettings = nil }, world))
        cases.append(("other settings", modified(base) { $0.captionSettings = "other beams=3" }, world))
        cases.append(("other captioner", modified(base) { $0.models[0].identifier = "other-blip" }, world))
        cases.append(("other weights", modified(base) { $0.models[0].revision = "sha256:other" }, world))
        cases.append(("no captioner stamp", modified(base) { $0.models.removeAll { $0.role == .captioner } }, world))
        cases.append(("other image size", modified(base) { $0.imageSize = size }, world))
        cases.append(("empty caption", modified(base) { $0.caption = "" }, world))
        for (name, previous, world) in cases {
            let calls = world.captioner.log.all.count
            let full = try world.pipeline().describe(world.scene.image, mode: .full, reusing: previous)
            #expect(full.caption == "a cat and a dog on a bed", "\(name)")
            #expect(full.statistics?.captionReused == nil, "\(name)")
            #expect(world.captioner.log.all.dropFirst(calls).first == "captions images=1 beams=3", "\(name)")
        }
    }

    @Test("a quick pass always captions")
    func quickNeverReuses() throws {
        let world = world()
        let quick = try world.pipeline().describe(world.scene.image, mode: .quick, reusing: try earlier(world))
        #expect(quick.caption == "a cat and a dog on a bed")
    }

    @Test("BLIP's caption settings name every generation option, so changing any one of them changes them")
    func blipSettings() throws {
        let folders = TinyModels.folders
        let blip = try BLIPCaptioner(directory: folders.captioner, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        let base = BLIPImageCaptioner(blip)
        let settings = try #require(base.captionSettings(beams: 3))
        #expect(base.captionSettings(beams: 3) == settings)
        #expect(base.captionSettings(beams: 1) != settings)
        var changes: [(inout BLIPCaptioner.GenerationOptions) -> Void] = [
            { $0.maxLength += 1 }, { $0.maxNewTokens = 7 }, { $0.minLength += 1 }, { $0.minNewTokens = 2 },
            { $0.repetitionPenalty = 1.5 }, { $0.noRepeatNgramSize = 3 }, { $0.lengthPenalty = 0.5 },
            { $0.earlyStopping = .never }, { $0.prefix = [101, 1037] }, { $0.textPrefix = "a picture of" },
        ]
        let changing = changes.count
        changes.append { $0.numBeams = 9 }  // replaced by the call's beams
        changes.append { $0.maxBatchSize = 2 }  // splits batches; captions stay the same
        for (index, change) in changes.enumerated() {
            var generation = base.generation
            change(&generation)
            let changed = BLIPImageCaptioner(blip, generation: generation).captionSettings(beams: 3)
            #expect((changed != settings) == (index < changing), "change \(index): \(changed ?? "nil")")
        }
    }

    func modified(_ description: Description, _ change: (inout Description) -> Void) -> Description {
        var description = description
        change(&description)
        return description
    }
}
