import Foundation
import GlimpseDescribe
import GlimpseIndex

/// The rankers Glimpse fuses. As a dictionary key in JSON it is its name (`{"fullText": 1.2}`).
public enum RankerKind: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    /// BM25 over description text and keywords (FTS5).
    case fullText
    /// CLIP text → image similarity over whole-image and region embeddings.
    case clip
    /// MiniLM query → description similarity.
    case sentence

    public static func < (lhs: RankerKind, rhs: RankerKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One image as a ranker scored it. `region` is the kept region (index into `SearchDocument.regions`)
/// whose embedding gave the score, when a region beat the whole image.
public struct RankedEntry: Sendable, Hashable, Codable {
    public var image: ImageID
    public var score: Double
    public var region: Int?
    public init(image: ImageID, score: Double, region: Int? = nil) {
        self.image = image
        self.score = score
        self.region = region
    }
}

/// Scores the images of an index for a parsed query, best first, ties by ascending image id; with a
/// scope, only the scope's images.
public protocol Ranker: Sendable {
    var kind: RankerKind { get }
    func rank(_ query: ParsedQuery, in index: any SearchableIndex, limit: Int, scope: SearchScope?) throws -> [RankedEntry]
}

extension Ranker {
    /// Scores every image of the index.
    public func rank(_ query: ParsedQuery, in index: any SearchableIndex, limit: Int) throws -> [RankedEntry] {
        try rank(query, in: index, limit: limit, scope: nil)
    }
}

/// BM25 through the index's full-text table. Every term is quoted by `FullTextExpression`.
///
/// A compound is searched twice: as the index's single compound token (`cutting_board`, which only
/// descriptions with that compound keyword hold) and as a phrase of its words, so images that have
/// the compound rank above images that merely have both words.
public struct FullTextRanker: Ranker {
    public var kind: RankerKind { .fullText }
    public init() {}

    /// The terms handed to `FullTextExpression(anyOf:)` for `query`.
    public static func terms(for query: ParsedQuery) -> [String] {
        var terms = query.fullTextTerms
        let tokens = query.compounds.map { $0.replacingOccurrences(of: "-", with: "_") }
        if let position = terms.firstIndex(where: { query.compounds.contains($0) }) {
            terms.insert(contentsOf: tokens, at: position)
        }
        var seen = Set<String>()
        return terms.filter { seen.insert($0).inserted }
    }

    public func rank(_ query: ParsedQuery, in index: any SearchableIndex, limit: Int, scope: SearchScope?) throws -> [RankedEntry] {
        guard let expression = FullTextExpression(anyOf: Self.terms(for: query)) else { return [] }
        var include: (@Sendable (ImageID) -> Bool)?
        if let scope { include = { scope.contains($0) } }
        return try index.fullTextMatches(expression, limit: limit, where: include)
            .map { RankedEntry(image: $0.image, score: $0.score) }
            .sorted(by: RankedEntry.better)
    }
}

/// CLIP text → image: the query's positive text against whole-image and region embeddings; an image
/// scores by its best row.
public struct CLIPRanker: Ranker {
    public var kind: RankerKind { .clip }
    public let model: any ImageTextEmbedding
    public let vectors: any VectorSearching
    /// Search region embeddings too (region-level matches).
    public var useRegions: Bool
    /// How the query is put to CLIP; `{}` stands for the positive text. "a photo of {}" suits CLIP's training.
    public var prompt: String

    public init(model: any ImageTextEmbedding, vectors: any VectorSearching = ExactVectorSearch(), useRegions: Bool = true,
                prompt: String = "a photo of {}") {
        self.model = model
        self.vectors = vectors
        self.useRegions = useRegions
        self.prompt = prompt
    }

    /// The text CLIP embeds for `query`.
    public func promptText(_ query: ParsedQuery) -> String {
        let text = query.positiveText
        if text.lowercased().hasPrefix("a photo") || text.lowercased().hasPrefix("a picture") { return text }
        return prompt.replacingOccurrences(of: "{}", with: text)
    }

    public func rank(_ query: ParsedQuery, in index: any SearchableIndex, limit: Int, scope: SearchScope?) throws -> [RankedEntry] {
        guard let vector = try model.embed(texts: [promptText(query)]).first else { return [] }
        var best: [ImageID: RankedEntry] = [:]
        let image = try index.embeddingMatrix(.image)
        for hit in try vectors.nearest(to: vector, in: image, k: limit, within: scope) {
            best[image.rowImages[hit.row]] = RankedEntry(image: image.rowImages[hit.row], score: Double(hit.score))
        }
        if useRegions {
            let regions = try index.embeddingMatrix(.region)
            // Several regions of one image may fill the list: ask for more rows than images wanted.
            for hit in try vectors.nearest(to: vector, in: regions, k: limit * 4, within: scope) {
                let id = regions.rowImages[hit.row]
                if best[id].map({ Double(hit.score) > $0.score }) ?? true {
                    best[id] = RankedEntry(image: id, score: Double(hit.score), region: Int(regions.rowRegions[hit.row]))
                }
            }
        }
        return Array(best.values.sorted(by: RankedEntry.better).prefix(limit))
    }
}

/// MiniLM: the query's positive text against the sentence embeddings of the descriptions.
public struct SentenceRanker: Ranker {
    public var kind: RankerKind { .sentence }
    public let model: any SentenceEncoding
    public let vectors: any VectorSearching

    public init(model: any SentenceEncoding, vectors: any VectorSearching = ExactVectorSearch()) {
        self.model = model
        self.vectors = vectors
    }

    public func rank(_ query: ParsedQuery, in index: any SearchableIndex, limit: Int, scope: SearchScope?) throws -> [RankedEntry] {
        guard let vector = try model.embed(sentences: [query.positiveText]).first else { return [] }
        let matrix = try index.embeddingMatrix(.text)
        var best: [ImageID: RankedEntry] = [:]
        for hit in try vectors.nearest(to: vector, in: matrix, k: limit, within: scope) {
            let id = matrix.rowImages[hit.row]
            if best[id].map({ Double(hit.score) > $0.score }) ?? true {
                best[id] = RankedEntry(image: id, score: Double(hit.score))
            }
        }
        return best.values.sorted(by: RankedEntry.better)
    }
}

extension RankedEntry {
    /// Higher score first; equal scores by ascending image id.
    static func better(_ a: RankedEntry, _ b: RankedEntry) -> Bool {
        a.score > b.score || (a.score == b.score && a.image < b.image)
    }
}
