/// The keywords of a text: lemmatised content words and compound keywords.
///
/// Compounds are joined with a hyphen (`cutting-board`, `blue-collar`, `two-cats`). Both lists are in
/// order of first appearance and free of duplicates. The words of a compound also appear in `words`.
public struct Keywords: Sendable, Hashable, Codable {
    /// Lemmatised content words: nouns, verbs, adjectives, numbers (`dogs` → `dog`, `lying` → `lie`).
    public var words: [String]
    /// Compound keywords: adjective+noun, noun+noun and number+noun pairs, hyphen-joined.
    public var compounds: [String]

    public init(words: [String] = [], compounds: [String] = []) {
        self.words = words
        self.compounds = compounds
    }

    /// Words and compounds together, compounds first.
    public var all: [String] { compounds + words }
}

/// Something that finds the keywords of a text. The same extractor serves indexing and queries, so
/// that "blue collar" in a query meets `blue-collar` in a description.
public protocol KeywordExtracting: Sendable {
    /// The keywords of `text` (a caption, a description or a query clause).
    func keywords(in text: String) -> Keywords
}
