import Foundation

/// What `--camera` asks for: one or more words, each of which must be a whole word of the camera's name,
/// compared without case, diacritics, hyphens or dots — `x100v` and `fujifilm x100v` find `FUJIFILM X100V`,
/// `canon` every Canon, `iphone 12` the `Apple iPhone 12` and the `Apple iPhone 12 Pro`, `xt3` the
/// `FUJIFILM X-T3`; `r5` does not find the `Canon EOS R50`, nor `x100` the `X100V`.
public struct CameraQuery: Sendable, Hashable, Codable, CustomStringConvertible {
    /// As written.
    public let text: String
    private let words: [String]

    /// Nil when `text` holds no word (punctuation alone is none).
    public init?(_ text: String) {
        let words = Self.words(of: text).map(Self.joined).filter { !$0.allSatisfy("-._".contains) }
        guard !words.isEmpty else { return nil }
        self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.words = words
    }

    public var description: String { text }

    /// Encoded as its text.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let query = CameraQuery(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a camera query names no word"))
        }
        self = query
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// Whether every word asked for is a word of `camera`.
    public func matches(_ camera: String) -> Bool {
        let cameraWords = Set(Self.words(of: camera).flatMap { [$0, Self.joined($0)] })
        return words.allSatisfy(cameraWords.contains)
    }

    /// The cameras of `cameras` that this query matches, in the same order.
    public func matching(_ cameras: [NamedCount]) -> [NamedCount] {
        cameras.filter { matches($0.name) }
    }

    /// Lower case, diacritics folded, split at spaces, commas, slashes and parentheses.
    private static func words(of text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: { $0.isWhitespace || ",/()".contains($0) }).map(String.init)
    }

    /// A word without its hyphens, dots and underscores (`x-t3` → `xt3`), or as it is when nothing is left.
    private static func joined(_ word: String) -> String {
        let joined = word.filter { !"-._".contains($0) }
        return joined.isEmpty ? word : joined
    }
}
