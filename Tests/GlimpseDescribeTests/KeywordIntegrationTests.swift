import Testing
@testable import GlimpseDescribe
import GlimpseImage
import GlimpseText

/// The pipeline with GlimpseText's WordNet keyword extractor (the one `glimpse describe` uses).
@Suite("Describe pipeline: WordNet keywords")
struct KeywordIntegrationTests {
    static let caption = "cartoon illustration of a cat and dog lying on a couch"

    /// The founding document's cartoon: region 0 adds "cartoon dog with a blue collar and a brown nose".
    private func world() -> FakeWorld {
        var world = FakeWorld(scene: fourBoxes, caption: Self.caption,
                              regionCaptions: [0: "cartoon dog with a blue collar and a brown nose", 1: "a bird sitting on a bed",
                                               2: "a close up of a knife on a cutting board", 3: "araffe there is a cat"])
        world.embedder.textScores = [Self.caption: 0.30, "cartoon dog with a blue collar and a brown nose": 0.34,
                                     "a bird sitting on a bed": 0.2, "a close up of a knife on a cutting board": 0.25,
                                     "araffe there is a cat": 0.1]
        return world
    }

    private func pipeline(_ options: DescribeOptions, embedder: (any ImageTextEmbedding)? = nil) throws -> DescribePipeline {
        let world = world()
        var pipeline = world.pipeline(options)
        pipeline.keywords = try KeywordExtractor.standard()
        if let embedder { pipeline.embedder = embedder }
        return pipeline
    }

    @Test("the founding document's cartoon: compounds of the caption and the kept region caption")
    func founders() throws {
        let description = try pipeline(.seedCompatible).describe(fourBoxes.image, mode: .full)
        #expect(description.text.hasPrefix(Self.caption + " cartoon dog with a blue collar and a brown nose"))
        for compound in ["cartoon-illustration", "cartoon-dog", "blue-collar", "brown-nose"] {
            #expect(description.compounds.contains(compound), "\(compound) in \(description.compounds)")
        }
        #expect(!description.compounds.contains("couch-cartoon"))
        #expect(description.keywords.contains("dog") && description.keywords.contains("lie"))
    }

    @Test("pruning with the real extractor never splits its compounds")
    func pruningKeepsCompounds() throws {
        var options = DescribeOptions.seedCompatible
        options.pruneWords = true
        options.maxPrunedWords = 20
        // CLIP "prefers" texts without these words: pruning would take them all if compounds allowed it
        // ("nose" makes the cartoon dog's caption one of the two kept).
        let embedder = WordScoringEmbedder(weights: ["cartoon": -0.2, "blue": -0.2, "brown": -0.2, "illustration": -0.2,
                                                     "with": -0.05, "of": -0.05, "nose": 1])
        let plain = try pipeline(.seedCompatible, embedder: embedder).describe(fourBoxes.image, mode: .full)
        #expect(plain.text.contains("cartoon dog with a blue collar and a brown nose"))
        let pruned = try pipeline(options, embedder: embedder).describe(fourBoxes.image, mode: .full)
        #expect(pruned.text != plain.text)
        #expect(Set(pruned.statistics?.prunedWords ?? []) == ["with", "of"])
        #expect(Set(pruned.compounds) == Set(try KeywordExtractor.standard().keywords(in: pruned.text).compounds))
        for compound in ["cartoon-illustration", "cartoon-dog", "blue-collar", "brown-nose"] where plain.compounds.contains(compound) {
            #expect(pruned.compounds.contains(compound), "\(compound) lost: \(pruned.text)")
        }
    }

    @Test("the end-to-end pipeline with the tiny models and WordNet keywords")
    func tinyModels() throws {
        let description = try TinyModels.pipeline(.seedCompatible, keywords: KeywordExtractor.standard())
            .describe(TinyModels.image, mode: .full)
        #expect(description.keywords == (try KeywordExtractor.standard().keywords(in: description.text).words))
    }
}
