import Foundation
import Testing
import GlimpseDescribe
import GlimpseModels
import GlimpseRuntime
import GlimpseIndex
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
    static func rows(queries file: String = "queries.jsonl") throws -> [EvaluationRow] {
        let descriptions = try EvaluationData.lines(EvaluationDescription.self, from: TestData.evaluation.appending(path: "descriptions.jsonl"))
        let queries = try EvaluationData.lines(EvaluationQuery.self, from: TestData.evaluation.appending(path: file))
        _ = descriptions
        let keywords = EvaluationKeywords.extractor
        let sentences = CachingSentenceEncoder(try RealMiniLM())
        let store = try SQLiteIndexStore.inMemory()
        let report = try store.importDescriptions(from: TestData.evaluation.appending(path: "descriptions.jsonl"),
                                                  options: ImportOptions(keywords: keywords, sentences: sentences))
        #expect(report.malformed.isEmpty)
        let searcher = Searcher(index: store, keywords: keywords, sentences: sentences)
        let evaluator = Evaluator(searcher: searcher, queries: queries)
        let configurations = evaluator.standardConfigurations()
        let rows = evaluator.run(configurations)
        print(Evaluator.table(rows))
        return rows
    }

    @Test("the default fusion is within 0.02 of the best ranker and far above full text; negation helps negated queries")
    func evaluation() throws {
        let rows = try Self.rows()
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
        let fullText = try #require(byName["fullText"])
        let sentence = try #require(byName["sentence"])
        let fused = try #require(rows.first { $0.name.hasPrefix("fused: weighted sum, full text 1.0") && $0.name.contains("cosine") })
        let ofBest = try #require(rows.first { $0.name.hasPrefix("fused: weighted sum, full text 1.0") && $0.name.hasSuffix("by its best") })
        let off = try #require(byName["fused: weighted sum, negation off"])
        #expect(fullText.all.ndcgAt10 > 0.6)
        #expect(sentence.all.ndcgAt10 > 0.8)
        #expect(fused.all.ndcgAt10 >= sentence.all.ndcgAt10 - 0.02)
        #expect(fused.all.ndcgAt10 > fullText.all.ndcgAt10 + 0.1)
        #expect(fused.negation.ndcgAt10 > off.negation.ndcgAt10 + 0.05)
        #expect(fused.failures.isEmpty, "\(fused.failures)")
        #expect(fused.all.ndcgAt10 >= ofBest.all.ndcgAt10 - 0.005, "counting cosines from a floor costs the descriptions' queries nothing")
    }

    @Test("queries of names that only tags hold (people, places): the sentence ranker's noise does not bury what full text found")
    func names() throws {
        let rows = try Self.rows(queries: "tagged-queries.jsonl")
        let fullText = try #require(rows.first { $0.name == "fullText" })
        let fused = try #require(rows.first { $0.name.hasPrefix("fused: weighted sum, full text 1.0") && $0.name.contains("cosine") })
        let ofBest = try #require(rows.first { $0.name.hasPrefix("fused: weighted sum, full text 1.0") && $0.name.hasSuffix("by its best") })
        #expect(fullText.all.ndcgAt10 > 0.85)
        #expect(fused.all.ndcgAt10 > 0.8 && fused.all.ndcgAt10 > ofBest.all.ndcgAt10 + 0.2, "\(fused.all) against \(ofBest.all)")
    }
}
