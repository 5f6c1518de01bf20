import Foundation
import GlimpseDescribe
import GlimpseIndex
import GlimpseText

/// Answers queries over a `SearchableIndex`: parses the query, runs the rankers it has models for, fuses
/// their lists, applies negation and explains every result.
///
/// Without a CLIP model or a sentence model the other rankers still answer, and the response says so.
public struct Searcher: Sendable {
    public let index: any SearchableIndex
    public let parser: QueryParser
    public let clip: (any ImageTextEmbedding)?
    public let sentences: (any SentenceEncoding)?
    public let vectors: any VectorSearching
    public var options: SearchOptions

    public init(index: any SearchableIndex, keywords: any KeywordExtracting, clip: (any ImageTextEmbedding)? = nil,
                sentences: (any SentenceEncoding)? = nil, vectors: any VectorSearching = ExactVectorSearch(),
                options: SearchOptions = SearchOptions()) {
        self.index = index
        self.parser = QueryParser(keywords: keywords)
        self.clip = clip
        self.sentences = sentences
        self.vectors = vectors
        self.options = options
    }

    /// Every ranker this searcher has a model for.
    public var rankers: [any Ranker] {
        var rankers: [any Ranker] = [FullTextRanker()]
        if let clip { rankers.append(CLIPRanker(model: clip, vectors: vectors)) }
        if let sentences { rankers.append(SentenceRanker(model: sentences, vectors: vectors)) }
        return rankers
    }

    /// Parses and answers `query` (options default to the searcher's).
    public func search(_ query: String, options: SearchOptions? = nil) throws -> SearchResponse {
        try search(parsed: parser.parse(query), options: options)
    }

    /// Answers a query parsed before.
    public func search(parsed query: ParsedQuery, options: SearchOptions? = nil) throws -> SearchResponse {
        let options = options ?? self.options
        var notes: [String] = []
        if clip == nil { notes.append("No CLIP model: image similarity is not used and negation relies on the descriptions only.") }
        if sentences == nil { notes.append("No sentence model: description similarity (MiniLM) is not used.") }
        let active = rankers.filter { options.rankers?.contains($0.kind) ?? true }
        guard !active.isEmpty else { throw SearchError.noRankerAvailable }

        let depth = max(options.candidates, options.limit)
        var lists: [RankerKind: [RankedEntry]] = [:]
        for ranker in active { lists[ranker.kind] = try ranker.rank(query, in: index, limit: depth) }
        var fused = options.fusion.fuse(lists)

        let negating = !query.negatives.isEmpty && options.negation.mode != .off
        var documents: [ImageID: SearchDocument] = [:]
        var penalties: [ImageID: [Penalty]] = [:]
        var beforePenalties: [ImageID: Double] = [:]
        var excluded = 0
        if negating {
            documents = try fetch(fused.map(\.image))
            let probabilities = try clipProbabilities(query.negatives, images: fused.map(\.image), options: options.negation)
            let judge = NegationJudge(options: options.negation)
            var kept: [FusedEntry] = []
            for var entry in fused {
                guard let document = documents[entry.image] else { continue }
                let found = judge.penalties(for: query.negatives, document: document,
                                            clipProbabilities: probabilities[entry.image] ?? [])
                if found.isEmpty { kept.append(entry); continue }
                if options.negation.mode == .strict { excluded += 1; continue }
                penalties[entry.image] = found
                beforePenalties[entry.image] = entry.score
                entry.score *= found.reduce(1) { $0 * $1.factor }
                kept.append(entry)
            }
            fused = kept.sorted { $0.score > $1.score || ($0.score == $1.score && $0.image < $1.image) }
        }

        let top = Array(fused.prefix(options.limit))
        if !negating { documents = try fetch(top.map(\.image)) }
        var results: [SearchResult] = []
        for entry in top {
            guard let document = documents[entry.image] else { continue }
            let found = penalties[entry.image] ?? []
            let before = beforePenalties[entry.image] ?? entry.score
            let explanation = ExplanationBuilder.explain(query: query, document: document, entry: entry,
                                                         penalties: found, fusedScore: before)
            results.append(SearchResult(image: entry.image, path: document.path, rank: results.count + 1,
                                        score: entry.score, text: document.text, explanation: explanation))
        }
        return SearchResponse(query: query, results: results, rankers: active.map(\.kind).sorted(), excluded: excluded,
                              notes: notes)
    }

    private func fetch(_ ids: [ImageID]) throws -> [ImageID: SearchDocument] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try index.searchDocuments(ids).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// For each candidate image, CLIP's probability that each negated concept is in it (empty without CLIP).
    func clipProbabilities(_ concepts: [NegativeConcept], images: [ImageID], options: NegationOptions) throws -> [ImageID: [Float?]] {
        guard options.useCLIP, let clip, !concepts.isEmpty, !images.isEmpty else { return [:] }
        let matrix = try index.embeddingMatrix(.image)
        guard matrix.rows > 0 else { return [:] }
        let prompts = concepts.map { options.clipConceptPrompt.replacingOccurrences(of: "{}", with: $0.text) } + [options.clipNeutralPrompt]
        let vectors = try clip.embed(texts: prompts)
        guard let neutral = vectors.last, neutral.count == matrix.dimension else { return [:] }
        let wanted = Set(images)
        var rows: [ImageID: Int] = [:]
        for (row, image) in matrix.rowImages.enumerated() where wanted.contains(image) && rows[image] == nil { rows[image] = row }
        let dimension = matrix.dimension
        return matrix.withValues { values in
            var result: [ImageID: [Float?]] = [:]
            for (image, row) in rows {
                let embedding = UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)])
                result[image] = concepts.indices.map { position in
                    NegationJudge.clipProbability(image: embedding, concept: vectors[position], neutral: neutral,
                                                  logitScale: clip.logitScale)
                }
            }
            return result
        }
    }
}
