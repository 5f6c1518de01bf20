import GlimpseIndex

extension Searcher {
    /// The answer to a query with nothing to look for or leave out (`ParsedQuery.isListing`): the photos its
    /// filters and `options`' leave — a span of dates ("photos from yesterday", "last weekend", "in June
    /// 2019"), folders, stars, an area, a camera — in the order they were taken (oldest first, as the day or
    /// the trip went, or newest first with `options.newestFirst`; photos without a date after them, in the
    /// order indexed), `options.limit` of them. Nothing is ranked, so every result scores 1 and no model
    /// runs; the order is the same from one page to the next. Without any filter there is nothing to list
    /// by: `noUsableTerms`.
    /// Up to this many images, a listing reads the dates of its scope's images alone rather than every
    /// image's id in date order (which costs ~13 ms at 100,000 images whatever the scope).
    static var smallScope: Int { 20_000 }

    func listing(_ query: ParsedQuery, options: SearchOptions) throws -> SearchResponse {
        let taken = options.taken ?? query.taken
        let filtered = taken != nil || query.place != nil || !options.folders.isEmpty || options.minimumRating != nil
            || options.near != nil || options.camera != nil
        guard filtered else { throw SearchError.noUsableTerms(query: query.original) }
        let start = ContinuousClock.now
        var timings = SearchTimings()
        let (scope, filterNotes) = try scope(for: query, options: options, listingDates: taken != nil)
        var notes = filterNotes
        timings.scope = start.millisecondsSince
        let stage = ContinuousClock.now
        let (dated, undated): ([ImageID], [ImageID])
        if let taken {
            (dated, undated) = (try index.imageIDs(taken: taken), [])
        } else if let scope, scope.images.count <= Self.smallScope {
            (dated, undated) = try index.imageIDsInTakenOrder(among: scope.images)  // the scope's own dates only
        } else {
            (dated, undated) = try index.imageIDsInTakenOrder()
        }
        let ordered = ((options.newestFirst ? dated.reversed() : dated) + undated).filter { scope?.contains($0) ?? true }
        if taken == nil { notes.append(SearchNotes.listedInTakenOrder(images: ordered.count, newestFirst: options.newestFirst)) }
        var results: [SearchResult] = []
        var next = 0
        // Images not described yet have no document and are passed over, so documents are read a chunk at a time.
        while results.count < options.limit && next < ordered.count {
            let chunk = ordered[next..<min(ordered.count, next + max(options.limit - results.count, 32))]
            next = chunk.endIndex
            let documents = Dictionary(try index.searchDocuments(Array(chunk)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for image in chunk where results.count < options.limit {
                guard let document = documents[image] else { continue }
                let explanation = Explanation(matchedTerms: [], matchedCompounds: [], matchedPhrases: [], rankers: [], penalties: [],
                                              fusedScore: 1)
                results.append(SearchResult(image: image, path: document.path, rank: results.count + 1, score: 1, text: document.text,
                                            taken: document.taken, tags: document.tags, place: document.placeName,
                                            explanation: explanation, lookAlikes: nil))
            }
        }
        timings.explanations = stage.millisecondsSince
        timings.total = start.millisecondsSince
        return SearchResponse(query: query, results: results, rankers: [], excluded: 0, notes: notes, timings: timings, unknownWords: nil)
    }
}
