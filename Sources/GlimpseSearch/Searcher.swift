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
    /// CLIP's embeddings of the prompts encoded lately (the neutral prompt among them).
    private let recentPrompts = RecentTextEmbeddings()
    /// The sentence model's embeddings of the queries encoded lately.
    private let recentSentences = RecentTextEmbeddings()

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
    public var rankers: [any Ranker] { rankers(clip: clip) }

    private func rankers(clip: (any ImageTextEmbedding)?) -> [any Ranker] {
        var rankers: [any Ranker] = [FullTextRanker()]
        if let clip { rankers.append(CLIPRanker(model: clip, vectors: vectors)) }
        if let sentences {
            rankers.append(SentenceRanker(model: CachedSentenceEncoding(base: sentences, cache: recentSentences), vectors: vectors))
        }
        return rankers
    }

    /// Parses and answers `query` (options default to the searcher's).
    public func search(_ query: String, options: SearchOptions? = nil) throws -> SearchResponse {
        let start = ContinuousClock.now
        let understood = try understand(query, calendar: (options ?? self.options).calendar, allowingListing: true)
        var response = try search(parsed: understood, options: options)
        response.timings.total = start.millisecondsSince
        return response
    }

    /// Parses `query` (`QueryParser`), taking out the place it names when photos taken there are indexed
    /// (`QueryPlaces`); when nothing but the place is left to search for, the place's words are searched instead.
    /// Relative dates ("yesterday") are counted in `calendar`; a query with nothing to look for is an error
    /// unless `allowingListing` (`QueryParser.parse`).
    public func understand(_ query: String, calendar: Calendar = .current, allowingListing: Bool = false) throws -> ParsedQuery {
        let parse = { (text: String) in try parser.parse(text, calendar: calendar, allowingListing: allowingListing) }
        guard let place = try QueryPlaces.extract(from: query, in: index) else { return try parse(query) }
        // With nothing else to look for, the place's name is searched as words (its folders, tags and
        // descriptions too), not listed by the place alone.
        guard var parsed = try? parser.parse(place.rest, calendar: calendar) else { return try parse(query) }
        parsed.original = query
        parsed.place = place.name
        return parsed
    }

    /// Answers a query parsed before.
    public func search(parsed query: ParsedQuery, options: SearchOptions? = nil) throws -> SearchResponse {
        try answer(query, options: options ?? self.options).response
    }

    /// A response with what led to it: each ranker's list, the rankers, and the CLIP model with this
    /// query's texts encoded (`standing(of:for:options:)` asks them about one image).
    struct Answer {
        var response: SearchResponse
        var lists: [RankerKind: [RankedEntry]]
        var rankers: [any Ranker]
        var clip: (any ImageTextEmbedding)?
    }

    func answer(_ query: ParsedQuery, options: SearchOptions) throws -> Answer {
        if query.isListing { return Answer(response: try listing(query, options: options), lists: [:], rankers: [], clip: nil) }
        let start = ContinuousClock.now
        var timings = SearchTimings()
        var notes: [String] = []
        if clip == nil { notes.append(SearchNotes.noCLIP) }
        if sentences == nil { notes.append(SearchNotes.noSentenceModel) }
        if options.newestFirst { notes.append(SearchNotes.newestFirstOnlyListings) }
        let wanted = { (kind: RankerKind) in options.rankers?.contains(kind) ?? true }
        let negating = !query.negatives.isEmpty && options.negation.mode != .off
        // Every CLIP text this search needs and no recent search encoded, in one run of the text tower.
        let clipStart = ContinuousClock.now
        let clip = try self.clip.map { model -> any ImageTextEmbedding in
            var texts: [String] = []
            if wanted(.clip) { texts.append(CLIPRanker(model: model).promptText(query)) }
            if negating, options.negation.useCLIP { texts += Self.conceptPrompts(query.negatives, options: options.negation) }
            let known = recentPrompts.vectors(for: texts)
            let prefetched = try PrefetchedTextEmbedding(base: model, texts: texts, known: known)
            recentPrompts.remember(prefetched.vectors.filter { known[$0.key] == nil })
            return prefetched
        }
        timings.clipText = clipStart.millisecondsSince
        let active = rankers(clip: clip).filter { wanted($0.kind) }
        guard !active.isEmpty else { throw SearchError.noRankerAvailable }
        let scopeStart = ContinuousClock.now
        let (scope, scopeNotes) = try scope(for: query, options: options)
        notes += scopeNotes
        timings.scope = scopeStart.millisecondsSince

        let depth = max(options.candidates, options.limit)

        var lists: [RankerKind: [RankedEntry]] = [:]
        for ranker in active {
            let rankerStart = ContinuousClock.now
            lists[ranker.kind] = scope?.images.isEmpty == true ? [] : try ranker.rank(query, in: index, limit: depth, scope: scope)
            timings.rankers[ranker.kind] = rankerStart.millisecondsSince
        }
        var unknownWords: [UnknownWord]?
        if lists[.fullText] != nil {
            let lookup = ContinuousClock.now
            let negated = query.negatives.flatMap { $0.text.split { !$0.isLetter }.map(String.init) }
            // A convenience: a store that cannot tell never fails the search for it. A misspelt "without" or
            // "yesterday" is suggested from the query's own words when the index has nothing nearer.
            let unknown = ((try? index.unknownWords(query.surfaceWords + negated)) ?? []).map { word in
                word.suggestion != nil ? word : UnknownWord(word: word.word, suggestion: QueryVocabulary.querySuggestions.suggestion(for: word.word))
            }
            notes += unknown.map(SearchNotes.unknown)
            unknownWords = unknown.isEmpty ? nil : unknown
            timings.rankers[.fullText, default: 0] += lookup.millisecondsSince
        }
        let vectorKinds = (lists[.clip] == nil ? [] : [EmbeddingKind.image, .region]) + (lists[.sentence] == nil ? [] : [.text])
        if try vectorKinds.contains(where: { try index.embeddingMatrix($0).predatesRunInProgress }) {
            notes.append(SearchNotes.runInProgress)
        }
        var stage = ContinuousClock.now
        var fused = options.fusion.fuse(lists)
        timings.fusion = stage.millisecondsSince
        stage = .now

        var documents: [ImageID: SearchDocument] = [:]
        var penalties: [ImageID: [Penalty]] = [:]
        var beforePenalties: [ImageID: Double] = [:]
        var excluded = 0
        if negating {
            // Penalties only lower scores, so candidates are judged best first, a chunk at a time, until
            // `limit` kept ones score above every candidate not judged yet: the top is then final.
            let judge = NegationJudge(options: options.negation)
            let conceptVectors = try clipConceptVectors(query.negatives, clip: clip, options: options.negation)
            var kept: [FusedEntry] = []
            var next = 0
            let chunk = max(2 * options.limit, 32)
            while next < fused.count {
                // Grouping look-alikes may hide any of them: then every candidate is judged.
                if options.lookAlikeSimilarity == nil && kept.count >= options.limit {
                    let floor = kept.map(\.score).sorted(by: >)[options.limit - 1]
                    if floor > fused[next].score { break }
                }
                let batch = fused[next..<min(fused.count, next + chunk)]
                next = batch.endIndex
                documents.merge(try fetch(batch.map(\.image)), uniquingKeysWith: { first, _ in first })
                let probabilities = try clipProbabilities(conceptVectors, clip: clip, images: batch.map(\.image))
                for var entry in batch {
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
            }
            fused = kept.sorted { $0.score > $1.score || ($0.score == $1.score && $0.image < $1.image) }
            timings.negation = stage.millisecondsSince
            stage = .now
        }

        let (top, lookAlikes) = try options.lookAlikeSimilarity.map { try groupingLookAlikes(fused, limit: options.limit, similarity: $0) }
            ?? (Array(fused.prefix(options.limit)), [:])
        let shownOrGrouped = top.map(\.image) + lookAlikes.values.flatMap { $0.map(\.image) }
        documents.merge(try fetch(shownOrGrouped.filter { documents[$0] == nil }), uniquingKeysWith: { first, _ in first })
        var results: [SearchResult] = []
        for entry in top {
            guard let document = documents[entry.image] else { continue }
            let found = penalties[entry.image] ?? []
            let before = beforePenalties[entry.image] ?? entry.score
            let explanation = ExplanationBuilder.explain(query: query, document: document, entry: entry,
                                                         penalties: found, fusedScore: before)
            let alike = lookAlikes[entry.image]?.compactMap { image, similarity in
                documents[image].map { LookAlike(image: image, path: $0.path, similarity: similarity) }
            }
            results.append(SearchResult(image: entry.image, path: document.path, rank: results.count + 1,
                                        score: entry.score, text: document.text, taken: document.taken, tags: document.tags,
                                        place: document.placeName, explanation: explanation, lookAlikes: alike))
        }
        timings.explanations = stage.millisecondsSince
        timings.total = start.millisecondsSince
        let response = SearchResponse(query: query, results: results, rankers: active.map(\.kind).sorted(), excluded: excluded,
                                      notes: notes, timings: timings, unknownWords: unknownWords)
        return Answer(response: response, lists: lists, rankers: active, clip: clip)
    }

    private func fetch(_ ids: [ImageID]) throws -> [ImageID: SearchDocument] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try index.searchDocuments(ids).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// CLIP's embeddings of the negated concepts' prompts and of the neutral prompt (the last), or nil
    /// without CLIP, image embeddings or negated concepts.
    func clipConceptVectors(_ concepts: [NegativeConcept], clip: (any ImageTextEmbedding)?, options: NegationOptions) throws -> [[Float]]? {
        guard options.useCLIP, let clip, !concepts.isEmpty, try index.embeddingMatrix(.image).rows > 0 else { return nil }
        return try clip.embed(texts: Self.conceptPrompts(concepts, options: options))
    }

    /// CLIP's prompts for the negated concepts, then the neutral prompt.
    static func conceptPrompts(_ concepts: [NegativeConcept], options: NegationOptions) -> [String] {
        concepts.map { options.clipConceptPrompt.replacingOccurrences(of: "{}", with: $0.text) } + [options.clipNeutralPrompt]
    }

    /// For each of `images`, CLIP's probability that each concept (of `vectors`, from
    /// `clipConceptVectors`) is in it; empty without CLIP or vectors.
    func clipProbabilities(_ vectors: [[Float]]?, clip: (any ImageTextEmbedding)?, images: [ImageID]) throws -> [ImageID: [Float?]] {
        guard let clip, let vectors, let neutral = vectors.last, !images.isEmpty else { return [:] }
        let matrix = try index.embeddingMatrix(.image)
        guard neutral.count == matrix.dimension else { return [:] }
        var rows: [ImageID: Int] = [:]
        for image in images { rows[image] = matrix.firstRow(of: image) }
        let dimension = matrix.dimension
        return matrix.withValues { values in
            var result: [ImageID: [Float?]] = [:]
            for (image, row) in rows {
                let embedding = UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)])
                result[image] = vectors.dropLast().map { concept in
                    NegationJudge.clipProbability(image: embedding, concept: concept, neutral: neutral, logitScale: clip.logitScale)
                }
            }
            return result
        }
    }
}

extension ContinuousClock.Instant {
    /// Milliseconds from this instant to now.
    var millisecondsSince: Double { (ContinuousClock.now - self) / .milliseconds(1) }
}
