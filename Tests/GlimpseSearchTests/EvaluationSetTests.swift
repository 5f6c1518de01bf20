import Foundation
import Testing
import GlimpseDescribe
import GlimpseModels
import GlimpseRuntime
@testable import GlimpseSearch

/// all-MiniLM-L6-v2 (the one real checkpoint) as the search's sentence encoder.
struct RealMiniLM: SentenceEncoding {
    let embedder: SentenceEmbedder
    init() throws {
        embedder = try SentenceEmbedder(directory: TestData.miniLM, runtime: .shared())
    }
    func embed(sentences: [String]) throws -> [[Float]] { try embedder.embed(sentences) }
}

/// The committed evaluation set (Evaluation/) through the full-text and MiniLM rankers, for real.
/// CLIP is left out: there are no pictures, and only random CLIP weights exist here.
@Suite("Evaluation set", .enabled(if: TestData.hasEvaluationSet && FileManager.default.fileExists(atPath: TestData.miniLM.path)))
struct EvaluationSetTests {
    static func rows() throws -> [EvaluationRow] {
        let descriptions = try EvaluationData.lines(EvaluationDescription.self, from: TestData.evaluation.appending(path: "descriptions.jsonl"))
        let queries = try EvaluationData.lines(EvaluationQuery.self, from: TestData.evaluation.appending(path: "queries.jsonl"))
        let keywords = EvaluationKeywords.extractor
        let sentences = try RealMiniLM()
        let index = try EvaluationData.index(descriptions, keywords: keywords, sentences: sentences)
        let searcher = Searcher(index: index, keywords: keywords, sentences: sentences)
        let evaluator = Evaluator(searcher: searcher, queries: queries)
        var configurations = evaluator.standardConfigurations()
        configurations.append(EvaluationConfiguration(
            name: "fused: reciprocal rank, full text ×2",
            options: SearchOptions(fusion: Fusion(method: .reciprocalRank(k: 60), weights: FusionWeights(fullText: 2, clip: 1, sentence: 1)))))
        configurations.append(EvaluationConfiguration(
            name: "fused: weighted sum, sentence ×2",
            options: SearchOptions(fusion: Fusion(method: .weightedSum, weights: FusionWeights(fullText: 1, clip: 1, sentence: 2)))))
        let rows = evaluator.run(configurations)
        print(Evaluator.table(rows))
        return rows
    }

    @Test("fusion beats each ranker alone, and negation helps the negated queries")
    func evaluation() throws {
        let rows = try Self.rows()
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
        let fullText = try #require(byName["fullText"])
        let sentence = try #require(byName["sentence"])
        let fused = try #require(byName["fused: reciprocal rank"])
        let off = try #require(byName["fused: reciprocal rank, negation off"])
        #expect(fullText.all.ndcgAt10 > 0.3)
        #expect(sentence.all.ndcgAt10 > 0.3)
        #expect(fused.all.ndcgAt10 >= max(fullText.all.ndcgAt10, sentence.all.ndcgAt10) - 0.01)
        #expect(fused.negation.ndcgAt10 > off.negation.ndcgAt10)
        #expect(fused.failures.isEmpty, "\(fused.failures)")
    }
}
