import Foundation
import GlimpseDescribe
import GlimpseIndex
import GlimpseText

/// One query of an evaluation set: a line of a JSON Lines file.
///
/// ```json
/// {"query": "a dog on a sofa, but no cartoon", "relevant": {"img-0001.jpg": 2, "img-0007.jpg": 1}}
/// ```
/// `relevant` maps image paths (as stored in the index) to grades: 2 = exactly what was asked,
/// 1 = acceptable; images not listed are not relevant. An optional `"kind"` groups queries in the report.
/// Lines that are empty or start with `#` are skipped.
public struct EvaluationQuery: Sendable, Hashable, Codable {
    public var query: String
    public var relevant: [String: Int]
    /// Optional group for per-kind results (`plain`, `compound`, `negation`, `paraphrase`).
    public var kind: String?
    public init(query: String, relevant: [String: Int], kind: String? = nil) {
        self.query = query
        self.relevant = relevant
        self.kind = kind
    }
}

/// One described image of an evaluation set, in the import format:
///
/// ```json
/// {"path": "img-0001.jpg", "caption": "a dog lying on a couch", "regions": [{"caption": "a red pillow"}]}
/// ```
/// `regions[].box` (`{"x":…, "y":…, "width":…, "height":…}`) and `keywords` / `compounds` are optional;
/// missing keywords are extracted from the text.
public struct EvaluationDescription: Sendable, Hashable, Codable {
    public struct Region: Sendable, Hashable, Codable {
        public var caption: String
        public var box: PixelBox?
    }
    public var path: String
    public var caption: String
    public var regions: [Region]?
    public var keywords: [String]?
    public var compounds: [String]?

    /// The description text as the describe pipeline writes it: the caption, then the region captions.
    public var text: String {
        ([caption] + (regions ?? []).map(\.caption)).joined(separator: ". ")
    }
}

/// Reading evaluation files.
public enum EvaluationData {
    /// Decodes a JSON Lines file, one `T` per line; errors name the file and line.
    public static func lines<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SearchError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        var values: [T] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                values.append(try decoder.decode(T.self, from: Data(trimmed.utf8)))
            } catch {
                throw SearchError.invalidLine(file: url.lastPathComponent, line: number + 1, reason: "\(error)")
            }
        }
        return values
    }

    /// An in-memory index of `descriptions` (ids 1, 2, … in file order), with keywords from `keywords`
    /// and sentence embeddings from `sentences` when given. No image embeddings: there are no pictures.
    public static func index(_ descriptions: [EvaluationDescription], keywords: any KeywordExtracting,
                             sentences: (any SentenceEncoding)? = nil) throws -> InMemoryIndex {
        let texts = descriptions.map(\.text)
        let vectors = try sentences?.embed(sentences: texts)
        let entries = descriptions.enumerated().map { position, description in
            let found = keywords.keywords(in: description.text)
            let document = SearchDocument(
                id: ImageID(position + 1), path: description.path, caption: description.caption, text: description.text,
                keywords: description.keywords ?? found.words, compounds: description.compounds ?? found.compounds,
                regions: (description.regions ?? []).map {
                    SearchRegion(box: $0.box ?? PixelBox(x: 0, y: 0, width: 0, height: 0), caption: $0.caption)
                })
            return InMemoryIndex.Entry(document: document, text: vectors?[position] ?? [])
        }
        return InMemoryIndex(entries)
    }
}
