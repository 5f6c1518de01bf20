import Foundation
import Testing
@testable import GlimpseDescribe
import GlimpseImage

@Suite("Describe pipeline: CLIP selection")
struct SelectionTests {
    static let caption = "a cat and a dog on a bed"
    static let regionCaptions = [0: "a knife on a cutting board", 1: "a bird sitting on a bed", 2: "a brown dog", 3: "a blue collar"]

    /// Cosines with the image: caption alone `alone`, then the four "caption + region caption" candidates.
    private func world(alone: Float = 0.30, scores: [Float] = [0.33, 0.25, 0.31, 0.32], captions: [Int: String] = regionCaptions) -> FakeWorld {
        var world = FakeWorld(scene: fourBoxes, caption: Self.caption, regionCaptions: captions)
        world.embedder.textScores = [Self.caption: alone]
        for (id, score) in scores.enumerated() { world.embedder.textScores[captions[id]!] = score }
        return world
    }

    @Test("keeps the region captions that beat the caption alone, best first")
    func beatsCaption() throws {
        let description = try world().describe()
        #expect(description.regions.map(\.status) == [.kept, .lostToCaption, .kept, .kept])
        #expect(description.text == "a cat and a dog on a bed. a knife on a cutting board. a blue collar. a brown dog")
        #expect(description.keptRegions.map(\.caption) == ["a knife on a cutting board", "a blue collar", "a brown dog"])
        #expect(description.keptRegions.allSatisfy { !$0.embedding.isEmpty })
        #expect(description.regions[1].embedding.isEmpty)
    }

    @Test("candidates: softmax of logitScale × cosine over the caption alone and caption + region caption, best first")
    func candidates() throws {
        var world = world()
        world.embedder.logitScale = 10
        let description = try world.describe()
        let logits: [Float] = [0.30, 0.33, 0.25, 0.31, 0.32].map { 10 * $0 }
        let exps = logits.map { Foundation.exp($0) }, total = exps.reduce(0, +)
        let expected = exps.map { $0 / total }
        #expect(description.candidates.map(\.regionIndex) == [0, 3, 2, nil, 1])
        #expect(description.candidates.map(\.text).first == "a cat and a dog on a bed. a knife on a cutting board")
        #expect(description.candidates.first { $0.regionIndex == nil }?.text == Self.caption)
        for candidate in description.candidates {
            let want = expected[candidate.regionIndex.map { $0 + 1 } ?? 0]
            #expect(abs(candidate.probability - want) < 1e-5)
        }
        for (index, region) in description.regions.enumerated() {
            #expect(abs((region.score ?? -1) - expected[index + 1]) < 1e-5)
        }
        #expect(abs(description.candidates.map(\.probability).reduce(0, +) - 1) < 1e-5)
    }

    @Test("at most K region captions are kept; the others are beyond the top K")
    func topK() throws {
        var options = DescribeOptions()
        options.maxKeptRegions = 2
        var description = try world().describe(options)
        #expect(description.regions.map(\.status) == [.kept, .lostToCaption, .beyondTopK, .kept])
        options.maxKeptRegions = 0
        description = try world().describe(options)
        #expect(description.text == Self.caption)
        #expect(description.regions.map(\.status) == [.beyondTopK, .lostToCaption, .beyondTopK, .beyondTopK])
    }

    @Test("nothing beats the caption: the description is the caption")
    func nothingBeats() throws {
        let description = try world(alone: 0.4).describe()
        #expect(description.text == Self.caption)
        #expect(description.regions.allSatisfy { $0.status == .lostToCaption })
        #expect(description.candidates.first?.regionIndex == nil)
    }

    @Test("region captions that repeat the caption or a kept region caption are dropped and do not use up K")
    func repeats() throws {
        var captions = Self.regionCaptions
        captions[1] = "the cat and the dog on the bed"   // the caption's content words
        captions[3] = "a knife on the cutting board on a table"  // mostly region 0's
        let world = world(scores: [0.33, 0.36, 0.31, 0.32], captions: captions)
        var description = try world.describe()
        #expect(description.regions.map(\.status) == [.kept, .repeatsCaption, .kept, .repeatsCaption])
        #expect(description.text == "a cat and a dog on a bed. a knife on a cutting board. a brown dog")
        var options = DescribeOptions()
        options.repeatSimilarity = nil
        description = try world.describe(options)
        #expect(description.regions.map(\.status) == [.kept, .kept, .beyondTopK, .kept])
        options.repeatSimilarity = 0.9  // region 3 against region 0: bag-of-words cosine 3 / √12 ≈ 0.87
        description = try world.describe(options)
        #expect(description.regions.map(\.status) == [.kept, .repeatsCaption, .kept, .kept])
    }

    @Test("the MiniLM repeat check sees only the region captions that are in the running")
    func repeatCheckInputs() throws {
        let world = world()
        _ = try world.describe()
        #expect(world.sentences.log.all == ["sentences 4", "sentences 1"])  // caption + 3 winners; then the final text
    }

    @Test("seed-compatible: the two best region captions by score, even when they lose to the caption; joined by a space")
    func seedCompatible() throws {
        var description = try world(alone: 0.4).describe(.seedCompatible)
        #expect(description.regions.map(\.status) == [.kept, .lostToCaption, .lostToCaption, .kept])
        #expect(description.text == "a cat and a dog on a bed a knife on a cutting board a blue collar")
        var captions = Self.regionCaptions
        captions[3] = "the knife on the cutting board"
        description = try world(captions: captions).describe(.seedCompatible)
        #expect(description.regions.map(\.status) == [.kept, .lostToCaption, .beyondTopK, .kept])  // no repeat check
        var options = DescribeOptions()
        options.selection = .topByScore
        description = try world(alone: 0.4).describe(options)
        #expect(description.regions.map(\.status) == [.kept, .lostToCaption, .kept, .kept])
        #expect(description.text == "a cat and a dog on a bed. a knife on a cutting board. a blue collar. a brown dog")
    }

    @Test("the separator is a knob")
    func separator() throws {
        var options = DescribeOptions()
        options.separator = "; "
        var world = world()
        world.embedder.textScores = [Self.caption: 0.3, "\(Self.caption); \(Self.regionCaptions[0]!)": 0.5]
        let description = try world.describe(options)
        #expect(description.text == "a cat and a dog on a bed; a knife on a cutting board")
    }
}
