import Testing
@testable import GlimpseDescribe
import GlimpseImage

/// A CLIP stand-in that scores a text by its words: each word adds `weights[word]` (default 0.01) to
/// the cosine with the image. Pictures embed as the image axis.
struct WordScoringEmbedder: ImageTextEmbedding {
    var weights: [String: Float]
    var logitScale: Float { 100 }
    let log = CallLog()

    func embed(images: [RGBImage]) throws -> [[Float]] { images.map { _ in FakeEmbedder.axis(0) } }

    func embed(texts: [String]) throws -> [[Float]] {
        log.add("texts \(texts.count)")
        return texts.map { text in
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
            let score = words.reduce(Float(0.3)) { $0 + (weights[$1] ?? 0.01) }
            return FakeEmbedder.vector(cosine: max(-1, min(1, score)))
        }
    }
}

@Suite("Describe pipeline: word pruning")
struct WordPruningTests {
    private func describe(_ caption: String, weights: [String: Float], options: DescribeOptions) throws -> Description {
        let scene = Scene(boxes: [])
        let world = FakeWorld(scene: scene, caption: caption)
        let pipeline = DescribePipeline(captioner: world.captioner, segmenter: FakeSegmenter(proposals: []),
                                        embedder: WordScoringEmbedder(weights: weights), sentences: world.sentences,
                                        keywords: world.keywords, options: options)
        return try pipeline.describe(scene.image, mode: .full)
    }

    private var pruning: DescribeOptions {
        var options = DescribeOptions()
        options.pruneWords = true
        return options
    }

    @Test("deletes words while CLIP prefers the shorter text")
    func deletes() throws {
        let description = try describe("araffe there is a dog with a blue collar", weights: ["araffe": -0.05, "there": -0.02],
                                       options: pruning)
        #expect(description.text == "is a dog with a blue collar")
        #expect(description.statistics?.prunedWords == ["araffe", "there"])
        #expect(description.timings.map(\.stage).contains(DescribeStage.pruning.rawValue))
    }

    @Test("never deletes a word of a compound keyword, however much CLIP would like to")
    func keepsCompounds() throws {
        let description = try describe("cartoon dog with a blue collar", weights: ["cartoon": -0.2, "blue": -0.2, "with": -0.05],
                                       options: pruning)
        #expect(description.text == "cartoon dog a blue collar")
        #expect(description.compounds == ["cartoon-dog", "blue-collar"])
    }

    @Test("never makes a new compound by joining the neighbours of a deleted word")
    func noNewCompounds() throws {
        let description = try describe("a cutting old board", weights: ["old": -0.1], options: pruning)
        #expect(description.text == "a cutting old board")
        #expect(description.compounds.isEmpty)
    }

    @Test("off by default; maxPrunedWords bounds the deletions")
    func knobs() throws {
        let weights: [String: Float] = ["araffe": -0.05, "there": -0.02]
        var description = try describe("araffe there is a dog", weights: weights, options: DescribeOptions())
        #expect(description.text == "araffe there is a dog")
        #expect(description.statistics?.prunedWords == [])
        #expect(!description.timings.map(\.stage).contains(DescribeStage.pruning.rawValue))
        var options = pruning
        options.maxPrunedWords = 1
        description = try describe("araffe there is a dog", weights: weights, options: options)
        #expect(description.text == "there is a dog")
        options.maxPrunedWords = 0
        description = try describe("araffe there is a dog", weights: weights, options: options)
        #expect(description.text == "araffe there is a dog")
    }

    @Test("punctuation after a deleted word stays with the word before")
    func punctuation() {
        #expect(WordPruning.deleting(2, from: ["a", "dog", "araffe.", "a", "knife"]) == ["a", "dog.", "a", "knife"])
        #expect(WordPruning.deleting(0, from: ["araffe,", "dog"]) == ["dog"])
        #expect(WordPruning.word("araffe.") == "araffe")
    }

    @Test("keeps at least one word")
    func lastWord() throws {
        let description = try describe("araffe", weights: ["araffe": -0.5], options: pruning)
        #expect(description.text == "araffe")
    }
}
