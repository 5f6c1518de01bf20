import Foundation
import GlimpseIndex

extension Searcher {
    /// Where `image` stands for `query` with `options` (default: the searcher's), and why: its place in
    /// the answer and in each ranker's list (within `options.candidates`), each ranker's own score for it,
    /// what of the query its description holds, and the penalties negation gives it (look-alikes are not
    /// grouped: the place is among all results). Costs one search and each ranker's look at the one image.
    public func standing(of image: ImageID, for query: String, options: SearchOptions? = nil) throws -> ImageStanding {
        var options = options ?? self.options
        let reach = max(options.candidates, options.limit)
        options.limit = reach
        options.lookAlikeSimilarity = nil  // a place among all results, look-alikes included
        let parsed = try understand(query, calendar: options.calendar)
        guard let document = try index.searchDocuments([image]).first else { throw SearchError.unknownImage(image) }
        let answer = try answer(parsed, options: options)

        let alone = SearchScope(images: [image])
        var rankers: [ImageStanding.RankerStanding] = []
        for ranker in answer.rankers {
            let list = answer.lists[ranker.kind] ?? []
            let own = try ranker.rank(parsed, in: index, limit: 1, scope: alone).first
            rankers.append(ImageStanding.RankerStanding(
                ranker: ranker.kind, score: own?.score, rank: list.firstIndex { $0.image == image }.map { $0 + 1 },
                cutoff: list.count >= reach ? list.last?.score : nil, region: own?.region))
        }

        let result = answer.response.results.first { $0.image == image }
        var explanation: Explanation
        if let result {
            explanation = result.explanation
        } else {
            let entry = FusedEntry(image: image, score: 0, contributions: [],
                                   region: rankers.first { $0.ranker == .clip }?.region)
            explanation = ExplanationBuilder.explain(query: parsed, document: document, entry: entry, penalties: [], fusedScore: 0)
            if !parsed.negatives.isEmpty, options.negation.mode != .off {
                let concepts = try clipConceptVectors(parsed.negatives, clip: answer.clip, options: options.negation)
                let probabilities = try clipProbabilities(concepts, clip: answer.clip, images: [image])
                explanation.penalties = NegationJudge(options: options.negation)
                    .penalties(for: parsed.negatives, document: document, clipProbabilities: probabilities[image] ?? [])
            }
        }
        let inScope = options.folders.isEmpty || options.folders.contains { folder in
            let range = pathRange(under: folder)
            return document.path == range.exact || document.path.hasPrefix(range.from)
        }
        let span = options.taken ?? parsed.taken
        return ImageStanding(image: image, path: document.path, text: document.text, query: parsed, rank: result?.rank,
                             reach: reach, inScope: inScope, taken: document.taken, takenSpan: span,
                             inTakenSpan: span.map { span in document.taken.map(span.contains) ?? false } ?? true,
                             rating: document.tags?.rating,
                             ratedEnough: options.minimumRating.map { (document.tags?.rating ?? 0) >= max(1, $0) } ?? true,
                             place: document.placeName,
                             atPlace: try parsed.place.map { try index.imageIDs(takenAt: $0).contains(image) } ?? true,
                             inArea: options.near.map { area in document.tags?.location.map(area.contains) ?? false } ?? true,
                             camera: document.tags?.camera,
                             cameraMatches: options.camera.map { query in document.tags?.camera.map(query.matches) ?? false } ?? true,
                             excluded: !explanation.penalties.isEmpty && explanation.penalties.allSatisfy { $0.factor == 0 },
                             rankers: rankers, explanation: explanation)
    }
}
