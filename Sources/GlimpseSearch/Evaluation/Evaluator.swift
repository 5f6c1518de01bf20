import Foundation

/// A named way of searching to evaluate (a ranker alone, a fusion method, a negation mode).
public struct EvaluationConfiguration: Sendable, Hashable {
    public var name: String
    public var options: SearchOptions
    public init(name: String, options: SearchOptions) {
        self.name = name
        self.options = options
    }
}

/// Mean metrics of one configuration over all queries and over the queries with negation.
public struct EvaluationRow: Sendable, Hashable, Codable {
    public var name: String
    public var queries: Int
    public var all: RetrievalMetrics
    public var negationQueries: Int
    public var negation: RetrievalMetrics
    /// Mean metrics per query `kind` (queries without a kind are not grouped).
    public var byKind: [String: RetrievalMetrics]
    /// Queries per kind.
    public var kindCounts: [String: Int]
    /// Queries that could not be searched (no usable term, too long), with the reason.
    public var failures: [String]
}

/// Runs an evaluation set through a `Searcher` in several configurations.
public struct Evaluator: Sendable {
    public let searcher: Searcher
    public let queries: [EvaluationQuery]
    /// How many results each query asks for (MRR looks this deep).
    public var depth: Int

    public init(searcher: Searcher, queries: [EvaluationQuery], depth: Int = 100) {
        self.searcher = searcher
        self.queries = queries
        self.depth = depth
    }

    /// Each ranker the searcher has on its own, then fusion by reciprocal rank and by weighted sum, each
    /// with equal weights and with `fusion`'s weights (soft negation), then `fusion` with negation off
    /// and strict.
    public func standardConfigurations(fusion: Fusion = .standard) -> [EvaluationConfiguration] {
        let kinds = searcher.rankers.map(\.kind)
        var configurations = kinds.map { kind in
            EvaluationConfiguration(name: kind.rawValue, options: SearchOptions(fusion: fusion, rankers: [kind]))
        }
        guard kinds.count > 1 else {
            configurations.append(EvaluationConfiguration(name: "\(kinds[0].rawValue), negation off",
                                                          options: SearchOptions(negation: NegationOptions(mode: .off), rankers: [kinds[0]])))
            return configurations
        }
        let weights = fusion.weights
        let weightText = "full text \(weights.fullText), CLIP \(weights.clip), sentence \(weights.sentence)"
        configurations += [
            EvaluationConfiguration(name: "fused: reciprocal rank, equal weights", options: SearchOptions(fusion: Fusion(method: .reciprocalRank(k: 60)))),
            EvaluationConfiguration(name: "fused: reciprocal rank, \(weightText)",
                                    options: SearchOptions(fusion: Fusion(method: .reciprocalRank(k: 60), weights: weights))),
            EvaluationConfiguration(name: "fused: weighted sum, equal weights", options: SearchOptions(fusion: Fusion(method: .weightedSum))),
            EvaluationConfiguration(name: "fused: weighted sum, \(weightText), each scaled by its best",
                                    options: SearchOptions(fusion: Fusion(method: .weightedSum, weights: weights))),
            EvaluationConfiguration(name: "fused: weighted sum, \(weightText)\(fusion.scales.label)",
                                    options: SearchOptions(fusion: Fusion(method: .weightedSum, weights: weights, scales: fusion.scales))),
            EvaluationConfiguration(name: "fused: \(fusion.name), negation off",
                                    options: SearchOptions(fusion: fusion, negation: NegationOptions(mode: .off))),
            EvaluationConfiguration(name: "fused: \(fusion.name), strict negation",
                                    options: SearchOptions(fusion: fusion, negation: NegationOptions(mode: .strict))),
        ]
        return configurations
    }

    /// The metrics of every configuration. Queries are parsed once.
    public func run(_ configurations: [EvaluationConfiguration]) -> [EvaluationRow] {
        var parsed: [Result<ParsedQuery, any Error>] = []
        for query in queries { parsed.append(Result { try searcher.parser.parse(query.query) }) }
        return configurations.map { configuration in
            var all: [RetrievalMetrics] = []
            var negated: [RetrievalMetrics] = []
            var failures: [String] = []
            var kinds: [String: [RetrievalMetrics]] = [:]
            for (query, understood) in zip(queries, parsed) {
                var metrics = RetrievalMetrics()
                var hasNegation = false
                do {
                    let parsedQuery = try understood.get()
                    hasNegation = !parsedQuery.negatives.isEmpty
                    var options = configuration.options
                    options.limit = depth
                    options.candidates = max(options.candidates, depth)
                    let response = try searcher.search(parsed: parsedQuery, options: options)
                    metrics = RetrievalMetrics(ranking: response.results.map { Self.key(for: $0.path, in: query.relevant) },
                                               relevance: query.relevant)
                } catch {
                    failures.append("\(query.query): \(error.localizedDescription)")
                }
                all.append(metrics)
                if hasNegation { negated.append(metrics) }
                if let kind = query.kind { kinds[kind, default: []].append(metrics) }
            }
            return EvaluationRow(name: configuration.name, queries: all.count, all: .mean(all),
                                 negationQueries: negated.count, negation: .mean(negated),
                                 byKind: kinds.mapValues(RetrievalMetrics.mean), kindCounts: kinds.mapValues(\.count),
                                 failures: failures)
        }
    }

    /// The judgement key of a result path: the path itself when judged, else its file name (imports
    /// store absolute paths; judgement files name images relative to the descriptions file).
    static func key(for path: String, in relevance: [String: Int]) -> String {
        if relevance[path] != nil { return path }
        let name = URL(filePath: path).lastPathComponent
        return relevance[name] != nil ? name : path
    }

    /// A Markdown table of `rows`: all queries, the queries with negation (as parsed), then nDCG@10 per kind.
    public static func table(_ rows: [EvaluationRow]) -> String {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        let kinds = Set(rows.flatMap(\.byKind.keys)).sorted()
        var lines = [
            "| configuration | R@1 | R@5 | R@10 | MRR | nDCG@10 | negated: R@10 | negated: nDCG@10 |"
                + kinds.map { " \($0): nDCG@10 |" }.joined(),
            "|---|---|---|---|---|---|---|---|" + kinds.map { _ in "---|" }.joined(),
        ]
        for row in rows {
            lines.append("| \(row.name) | \(f(row.all.recallAt1)) | \(f(row.all.recallAt5)) | \(f(row.all.recallAt10)) | "
                + "\(f(row.all.reciprocalRank)) | \(f(row.all.ndcgAt10)) | \(f(row.negation.recallAt10)) | \(f(row.negation.ndcgAt10)) |"
                + kinds.map { " \(f(row.byKind[$0]?.ndcgAt10 ?? 0)) |" }.joined())
        }
        if let first = rows.first {
            lines.append("")
            let counts = kinds.map { "\(first.kindCounts[$0] ?? 0) \($0)" }.joined(separator: ", ")
            lines.append("\(first.queries) queries, \(first.negationQueries) parsed with negation"
                + (counts.isEmpty ? "." : " (kinds: \(counts))."))
            if !first.failures.isEmpty { lines.append("Not searchable: " + first.failures.joined(separator: "; ")) }
        }
        return lines.joined(separator: "\n")
    }
}

extension ScoreScales {
    /// ", sentence cosine from 0.3 (span 0.5)" for the scales that are not `ofBest`; "" when all are.
    var label: String {
        let parts = RankerKind.allCases.compactMap { kind -> String? in
            guard case let .cosine(floor, span) = self[kind] else { return nil }
            return "\(kind.rawValue) cosine from \(floor) (span \(span))"
        }
        return parts.map { ", " + $0 }.joined()
    }
}

extension Fusion {
    /// "reciprocal rank" or "weighted sum".
    public var name: String {
        switch method {
        case .reciprocalRank: "reciprocal rank"
        case .weightedSum: "weighted sum"
        }
    }
}
