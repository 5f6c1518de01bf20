import Foundation
import GlimpseIndex

/// A `SearchableIndex` held in memory: documents, embeddings and a small BM25 full-text index over the
/// description text, keywords and compounds. For tests and for evaluating a descriptions file without
/// writing a database; the SQLite store is the real thing.
///
/// `fullTextMatches` reads the `FullTextExpression` format (quoted terms joined by `OR`) and matches
/// each term as a phrase of words, like FTS5 with the `unicode61` tokenizer (no Porter stemming).
public struct InMemoryIndex: SearchableIndex {
    /// What to store for one image.
    public struct Entry: Sendable {
        public var document: SearchDocument
        /// CLIP embedding of the whole image (empty when none).
        public var image: [Float]
        /// CLIP embeddings of the kept regions, in the order of `document.regions`.
        public var regions: [[Float]]
        /// Sentence embedding of the description (empty when none).
        public var text: [Float]
        public init(document: SearchDocument, image: [Float] = [], regions: [[Float]] = [], text: [Float] = []) {
            self.document = document
            self.image = image
            self.regions = regions
            self.text = text
        }
    }

    private let documents: [ImageID: SearchDocument]
    private let tokens: [ImageID: [String]]
    private let averageLength: Double
    private let matrices: [EmbeddingKind: EmbeddingMatrix]
    /// BM25 parameters (SQLite's defaults).
    public var k1 = 1.2
    public var b = 0.75

    public init(_ entries: [Entry]) {
        var documents: [ImageID: SearchDocument] = [:]
        var tokens: [ImageID: [String]] = [:]
        for entry in entries {
            documents[entry.document.id] = entry.document
            let fields = [entry.document.text] + entry.document.keywords
                + entry.document.compounds.map { $0.replacingOccurrences(of: "-", with: "_") }
                + [entry.document.tagSearchText]
            tokens[entry.document.id] = fields.flatMap(Self.tokenize)
        }
        self.documents = documents
        self.tokens = tokens
        averageLength = tokens.isEmpty ? 1 : Double(tokens.values.map(\.count).reduce(0, +)) / Double(tokens.count)
        let sorted = entries.sorted { $0.document.id < $1.document.id }
        matrices = [
            .image: Self.matrix(sorted.compactMap { $0.image.isEmpty ? nil : ($0.document.id, 0, $0.image) }),
            .region: Self.matrix(sorted.flatMap { entry in
                entry.regions.enumerated().map { (entry.document.id, Int32($0.offset), $0.element) } }),
            .text: Self.matrix(sorted.compactMap { $0.text.isEmpty ? nil : ($0.document.id, 0, $0.text) }),
        ]
    }

    public func fullTextMatches(_ expression: FullTextExpression, limit: Int,
                                where include: (@Sendable (ImageID) -> Bool)?) throws -> [FullTextMatch] {
        let phrases = Self.terms(of: expression).map(Self.tokenize).filter { !$0.isEmpty }
        let count = Double(tokens.count)
        var scores: [ImageID: Double] = [:]
        for phrase in phrases {
            var frequencies: [ImageID: Int] = [:]
            for (id, words) in tokens {
                let hits = Self.occurrences(of: phrase, in: words)
                if hits > 0 { frequencies[id] = hits }
            }
            guard !frequencies.isEmpty else { continue }
            let idf = log((count - Double(frequencies.count) + 0.5) / (Double(frequencies.count) + 0.5) + 1)
            for (id, frequency) in frequencies {
                let length = Double(tokens[id]!.count)
                let tf = Double(frequency)
                scores[id, default: 0] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength))
            }
        }
        let matches: [FullTextMatch] = scores.filter { include?($0.key) ?? true }.map { FullTextMatch(image: $0.key, score: $0.value) }
        let sorted = matches.sorted { (a: FullTextMatch, b: FullTextMatch) -> Bool in
            a.score > b.score || (a.score == b.score && a.image < b.image)
        }
        return Array(sorted.prefix(limit))
    }

    public func embeddingMatrix(_ kind: EmbeddingKind) throws -> EmbeddingMatrix {
        matrices[kind] ?? EmbeddingMatrix(dimension: 0, rowImages: [], values: [])
    }

    public func searchDocuments(_ ids: [ImageID]) throws -> [SearchDocument] {
        ids.compactMap { documents[$0] }
    }

    public func describedImageCount() throws -> Int { documents.count }

    public func imageIDs(under places: [String]) throws -> [ImageID] {
        let ranges = places.map(pathRange(under:))
        return documents.values.filter { document in
            ranges.contains { document.path == $0.exact || (document.path >= $0.from && document.path < $0.before) }
        }.map(\.id)
    }

    public func imageIDs(taken range: TakenRange) throws -> [ImageID] {
        documents.values.compactMap { document in document.taken.flatMap { range.contains($0) ? ($0, document.id) : nil } }
            .sorted { $0 < $1 }.map(\.1)
    }

    public func imageIDsInTakenOrder() throws -> (dated: [ImageID], undated: [ImageID]) {
        let dated = documents.values.compactMap { document in document.taken.map { ($0, document.id) } }.sorted { $0 < $1 }.map(\.1)
        return (dated, documents.values.filter { $0.taken == nil }.map(\.id).sorted())
    }

    public func imageIDsInTakenOrder(among images: [ImageID]) throws -> (dated: [ImageID], undated: [ImageID]) {
        let wanted = Set(images)
        let all = try imageIDsInTakenOrder()
        return (all.dated.filter(wanted.contains), all.undated.filter(wanted.contains))
    }

    public func imageIDs(ratedAtLeast stars: Int) throws -> [ImageID] {
        documents.values.filter { ($0.tags?.rating ?? 0) >= max(1, stars) }.map(\.id)
    }

    public func imageIDs(takenWithin area: NearbyArea) throws -> [ImageID] {
        documents.values.filter { $0.tags?.location.map(area.contains) ?? false }.map(\.id)
    }

    public func cameras() throws -> [NamedCount] {
        Dictionary(grouping: documents.values.compactMap { $0.tags?.camera }, by: { $0 })
            .map { NamedCount(name: $0.key, images: $0.value.count) }
            .sorted { ($0.images, $1.name) > ($1.images, $0.name) }
    }

    public func imageIDs(takenWith cameras: [String]) throws -> [ImageID] {
        let wanted = Set(cameras)
        return documents.values.filter { $0.tags?.camera.map(wanted.contains) ?? false }.map(\.id)
    }

    public func imageIDs(takenAt name: String) throws -> [ImageID] {
        let key = PlaceNameKey.of(name)
        return documents.values.filter { $0.placeNames.contains { PlaceNameKey.of($0) == key } }.map(\.id)
    }

    public func imageCount(ifAllUnder places: [String]) throws -> Int? {
        let prefixes = places.map { pathRange(under: $0).from }
        let containing = prefixes.contains { prefix in documents.values.allSatisfy { $0.path.hasPrefix(prefix) } }
        return containing && !documents.isEmpty ? documents.count : nil
    }

    /// Words as FTS5's `unicode61 tokenchars '_'` tokenizer sees them: lowercased runs of letters,
    /// digits and `_` (compounds are stored as one token, `cutting_board`, as in the SQLite store).
    static func tokenize(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
    }

    /// The quoted terms of an expression built by `FullTextExpression(anyOf:)`.
    static func terms(of expression: FullTextExpression) -> [String] {
        var terms: [String] = []
        var current = ""
        var inside = false
        var characters = Array(expression.sql)[...]
        while let character = characters.popFirst() {
            if character == "\"" {
                if inside, characters.first == "\"" {
                    current.append("\"")
                    characters.removeFirst()
                } else if inside {
                    terms.append(current)
                    current = ""
                    inside = false
                } else {
                    inside = true
                }
            } else if inside {
                current.append(character)
            }
        }
        return terms
    }

    static func occurrences(of phrase: [String], in words: [String]) -> Int {
        guard phrase.count <= words.count else { return 0 }
        var hits = 0
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if phrase.count == 1 || Array(words[start..<(start + phrase.count)]) == phrase { hits += 1 }
        }
        return hits
    }

    private static func matrix(_ rows: [(ImageID, Int32, [Float])]) -> EmbeddingMatrix {
        guard let first = rows.first else { return EmbeddingMatrix(dimension: 0, rowImages: [], values: []) }
        let dimension = first.2.count
        let usable = rows.filter { $0.2.count == dimension }
        return EmbeddingMatrix(dimension: dimension, rowImages: usable.map(\.0), rowRegions: usable.map(\.1),
                               values: usable.flatMap(\.2))
    }
}
