import Foundation

/// Retrieval metrics of one ranked list against graded relevance judgements (grade ≥ 1 is relevant).
public struct RetrievalMetrics: Sendable, Hashable, Codable {
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double
    /// Reciprocal rank of the first relevant result (0 when none is returned).
    public var reciprocalRank: Double
    /// Normalised discounted cumulative gain over the first 10, gain 2^grade − 1.
    public var ndcgAt10: Double

    public init(recallAt1: Double = 0, recallAt5: Double = 0, recallAt10: Double = 0, reciprocalRank: Double = 0, ndcgAt10: Double = 0) {
        self.recallAt1 = recallAt1
        self.recallAt5 = recallAt5
        self.recallAt10 = recallAt10
        self.reciprocalRank = reciprocalRank
        self.ndcgAt10 = ndcgAt10
    }

    /// The metrics of `ranking` (identifiers, best first) given `relevance` (identifier → grade).
    public init(ranking: [String], relevance: [String: Int]) {
        let relevant = relevance.filter { $0.value > 0 }
        self.init()
        guard !relevant.isEmpty else { return }
        func recall(_ k: Int) -> Double {
            Double(ranking.prefix(k).filter { relevant[$0] != nil }.count) / Double(relevant.count)
        }
        recallAt1 = recall(1)
        recallAt5 = recall(5)
        recallAt10 = recall(10)
        if let first = ranking.firstIndex(where: { relevant[$0] != nil }) { reciprocalRank = 1 / Double(first + 1) }
        let gains = ranking.prefix(10).map { Self.gain(relevant[$0] ?? 0) }
        let ideal = relevant.values.sorted(by: >).prefix(10).map(Self.gain)
        let idcg = Self.discounted(ideal)
        ndcgAt10 = idcg > 0 ? Self.discounted(gains) / idcg : 0
    }

    /// The mean of each metric over `all` (zero for none).
    public static func mean(_ all: [RetrievalMetrics]) -> RetrievalMetrics {
        guard !all.isEmpty else { return RetrievalMetrics() }
        let n = Double(all.count)
        return RetrievalMetrics(recallAt1: all.map(\.recallAt1).reduce(0, +) / n,
                                recallAt5: all.map(\.recallAt5).reduce(0, +) / n,
                                recallAt10: all.map(\.recallAt10).reduce(0, +) / n,
                                reciprocalRank: all.map(\.reciprocalRank).reduce(0, +) / n,
                                ndcgAt10: all.map(\.ndcgAt10).reduce(0, +) / n)
    }

    static func gain(_ grade: Int) -> Double { pow(2, Double(grade)) - 1 }

    static func discounted(_ gains: [Double]) -> Double {
        gains.enumerated().reduce(0) { $0 + $1.element / log2(Double($1.offset) + 2) }
    }
}
