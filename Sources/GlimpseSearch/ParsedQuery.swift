import Foundation
import GlimpseIndex

/// What Glimpse understood of a query: returned with the results so a user can see it.
///
/// `positiveText` is what the embedding rankers see: the query without its negated clauses, so that
/// "no cartoon" never pulls cartoons closer (CLIP does not understand negation).
public struct ParsedQuery: Sendable, Hashable, Codable {
    /// The query as typed.
    public var original: String
    /// The query without negated clauses and negation cues, for the CLIP and MiniLM encoders.
    public var positiveText: String
    /// Lemmatised content words of the positive part (`dogs` → `dog`).
    public var terms: [String]
    /// Compound keywords of the positive part, formed as at indexing (`blue-collar`).
    public var compounds: [String]
    /// Quoted phrases, lowercased, as typed between quotes.
    public var phrases: [String]
    /// Content words of the positive part as typed (lowercased), for full-text recall of inflections.
    public var surfaceWords: [String]
    /// What must not be in the picture.
    public var negatives: [NegativeConcept]
    /// When the photos were taken, as the query says it ("in June 2019": `2019-06`); nil when it does not.
    /// The words that said it are not searched for (`QueryDates`).
    public var taken: TakenRange?
    /// Where the photos were taken, as the query names the place of indexed photos ("in Lisbon": `Lisbon`);
    /// nil when it does not. The words that said it are not searched for (`QueryPlaces`).
    public var place: String?

    public init(original: String, positiveText: String, terms: [String], compounds: [String], phrases: [String],
                surfaceWords: [String], negatives: [NegativeConcept], taken: TakenRange? = nil) {
        self.taken = taken
        self.original = original
        self.positiveText = positiveText
        self.terms = terms
        self.compounds = compounds
        self.phrases = phrases
        self.surfaceWords = surfaceWords
        self.negatives = negatives
    }

    /// The terms handed to full-text search (each becomes a quoted FTS5 string): phrases, compounds,
    /// lemmas and surface words, without duplicates, in that order.
    public var fullTextTerms: [String] {
        var seen = Set<String>()
        return (phrases + compounds + terms + surfaceWords).filter { seen.insert($0).inserted }
    }

    /// Whether anything positive is left to search for.
    public var hasPositiveTerms: Bool { !fullTextTerms.isEmpty }

    /// Whether the query has nothing to look for and nothing to leave out: at most when or where the photos
    /// were taken ("photos from yesterday", "in June 2019", or nothing at all). `Searcher` lists the photos
    /// its filters and the search options' leave, in the order taken.
    public var isListing: Bool { !hasPositiveTerms && negatives.isEmpty }

    /// A one-line human summary: `dog, cat, sofa; compounds: …; phrases: …; not: cartoon`.
    public var summary: String {
        var parts: [String] = []
        if !terms.isEmpty { parts.append("terms: " + terms.joined(separator: ", ")) }
        if !compounds.isEmpty { parts.append("compounds: " + compounds.joined(separator: ", ")) }
        if !phrases.isEmpty { parts.append("phrases: " + phrases.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if !negatives.isEmpty { parts.append("not: " + negatives.map(\.text).joined(separator: ", ")) }
        if let taken { parts.append("taken: \(taken)") }
        if let place { parts.append("taken at: \(place)") }
        return parts.joined(separator: "; ")
    }
}

/// One thing the picture must not show, e.g. `cartoon` from "but no cartoon".
public struct NegativeConcept: Sendable, Hashable, Codable {
    /// The concept as typed, without the cue and stop words ("cartoons", "red cars").
    public var text: String
    /// Its lemmatised content words (`cartoon`, `red`, `car`).
    public var words: [String]
    /// Its compound keywords (`red-car`).
    public var compounds: [String]
    /// The words that said "not" ("but no", "without", "-").
    public var cue: String

    public init(text: String, words: [String], compounds: [String], cue: String) {
        self.text = text
        self.words = words
        self.compounds = compounds
        self.cue = cue
    }
}
