import Foundation
import Testing
@testable import GlimpseSearch

@Suite("Retrieval metrics")
struct MetricsTests {
    @Test("recall, reciprocal rank and nDCG by hand")
    func byHand() {
        let metrics = RetrievalMetrics(ranking: ["a", "x", "b", "y"], relevance: ["a": 2, "b": 1, "c": 1])
        #expect(abs(metrics.recallAt1 - 1.0 / 3) < 1e-12)
        #expect(abs(metrics.recallAt5 - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.recallAt10 - 2.0 / 3) < 1e-12)
        #expect(metrics.reciprocalRank == 1)
        let dcg = 3.0 + 1.0 / log2(4)
        let ideal = 3.0 + 1.0 / log2(3) + 1.0 / log2(4)
        #expect(abs(metrics.ndcgAt10 - dcg / ideal) < 1e-12)
    }

    @Test("first relevant at rank 4 gives MRR 0.25; nothing relevant found gives zeros")
    func misses() {
        #expect(RetrievalMetrics(ranking: ["x", "y", "z", "a"], relevance: ["a": 1]).reciprocalRank == 0.25)
        #expect(RetrievalMetrics(ranking: ["x"], relevance: ["a": 1]) == RetrievalMetrics())
        #expect(RetrievalMetrics(ranking: ["a"], relevance: ["a": 0]) == RetrievalMetrics())
    }

    @Test("a perfect ranking scores 1 everywhere it can")
    func perfect() {
        let metrics = RetrievalMetrics(ranking: ["a", "b"], relevance: ["a": 2, "b": 1])
        #expect(metrics.ndcgAt10 == 1)
        #expect(metrics.recallAt5 == 1)
        #expect(metrics.recallAt1 == 0.5)
    }

    @Test("means average each metric")
    func mean() {
        let mean = RetrievalMetrics.mean([RetrievalMetrics(recallAt1: 1, reciprocalRank: 1), RetrievalMetrics()])
        #expect(mean.recallAt1 == 0.5)
        #expect(mean.reciprocalRank == 0.5)
        #expect(RetrievalMetrics.mean([]) == RetrievalMetrics())
    }
}
