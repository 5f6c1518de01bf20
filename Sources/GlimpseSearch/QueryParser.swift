import Foundation
import GlimpseText

/// Turns a query in plain English into positive terms, compounds, phrases and negative concepts.
///
/// Negation is recognised from cues — "no", "not", "without", "excluding", "except", "with no",
/// "but no", "-word", `-"a phrase"`, "non-…", "isn't" … — and lasts until a clause boundary
/// (punctuation) or a word that starts a new clause ("but", "and", "with", "while", "that" …).
/// "or" inside a negated clause starts another negative concept ("without people or cars"). When the
/// photos were taken ("in June 2019", "since 2020") is taken out of the words (`QueryDates`).
/// Keywords come from the same `KeywordExtracting` that indexing uses, so compounds match.
public struct QueryParser: Sendable {
    /// The longest query accepted, in characters.
    public static let maximumLength = 1_000

    public let keywords: any KeywordExtracting

    public init(keywords: any KeywordExtracting) {
        self.keywords = keywords
    }

    /// Parses `query`, its relative dates counted in `calendar`; throws `SearchError.queryTooLong`,
    /// `.noUsableTerms` or `.onlyADate` (unless `allowingListing`: then a query with nothing to look for or
    /// leave out is returned, `ParsedQuery.isListing`).
    public func parse(_ query: String, calendar: Calendar = .current, allowingListing: Bool = false) throws -> ParsedQuery {
        guard query.count <= Self.maximumLength else {
            throw SearchError.queryTooLong(length: query.count, limit: Self.maximumLength)
        }
        let date = QueryDates.extract(from: query, calendar: calendar)
        let clauses = Self.split(QueryLexer.tokens(date?.rest ?? query))
        let positiveText = clauses.positiveText
        let found = keywords.keywords(in: positiveText)
        let terms = Self.unique(found.words.filter { !QueryVocabulary.isFiller($0) && !QueryVocabulary.isStopWord($0) })
        let compounds = Self.unique(found.compounds)
        let surface = Self.unique(clauses.positive.joined().flatMap { $0.split(separator: " ").map(String.init) }
            .map(Self.withoutPossessive)
            .filter { !QueryVocabulary.isStopWord($0) && !QueryVocabulary.isFiller($0) && !QueryVocabulary.isCue($0) })
        let negatives = clauses.negative.compactMap { concept(words: $0.words, cue: $0.cue) }
        let parsed = ParsedQuery(original: query, positiveText: positiveText, terms: terms, compounds: compounds,
                                 phrases: Self.unique(clauses.phrases), surfaceWords: surface, negatives: negatives,
                                 taken: date?.range)
        guard parsed.hasPositiveTerms else {
            if allowingListing && parsed.isListing { return parsed }
            if let taken = date?.range { throw SearchError.onlyADate(query: query, taken: taken) }
            throw SearchError.noUsableTerms(query: query)
        }
        return parsed
    }

    /// A negative concept from the words of a negated clause, or nil when only stop words are left.
    func concept(words: [String], cue: String) -> NegativeConcept? {
        var content = words.map(Self.withoutPossessive).filter { !QueryVocabulary.isStopWord($0) && !QueryVocabulary.isCue($0) }
        if content == ["one"] || content == ["body"] { content = ["people"] }  // "no one", "no body"
        content.removeAll { $0 == "one" || $0 == "ones" }  // "excluding red ones": the ones are the positive subject
        guard !content.isEmpty else { return nil }
        let text = content.joined(separator: " ")
        let found = keywords.keywords(in: text)
        let lemmas = found.words.isEmpty ? content : Self.unique(found.words)
        return NegativeConcept(text: text, words: lemmas, compounds: Self.unique(found.compounds), cue: cue)
    }

    struct Clauses {
        /// Runs of positive words (phrases as one element), split where a negated clause was removed.
        var positive: [[String]] = []
        /// What joins each run to the one before: ", " across a clause boundary (so the keyword
        /// extractor forms no compound across it), else a space.
        var separators: [String] = []
        var negative: [(words: [String], cue: String)] = []
        var phrases: [String] = []

        var positiveText: String {
            zip(separators, positive).enumerated().map { position, pair in
                (position == 0 ? "" : pair.0) + pair.1.joined(separator: " ")
            }.joined()
        }
    }

    /// Walks the tokens, sorting every word into a positive run or a negated clause.
    static func split(_ tokens: [QueryToken]) -> Clauses {
        var clauses = Clauses()
        var run: [String] = []
        var negated: (words: [String], cue: String)?
        var previousWord: String?
        var separator = " "

        func closeRun() {
            while let last = run.last, QueryVocabulary.isConnector(last) { run.removeLast() }
            if !run.isEmpty {
                clauses.positive.append(run)
                clauses.separators.append(separator)
                separator = " "
            }
            run = []
        }
        func closeNegation() {
            if let current = negated, !current.words.isEmpty { clauses.negative.append(current) }
            negated = nil
        }

        for (position, token) in tokens.enumerated() {
            switch token {
            case .boundary:
                closeNegation()
                closeRun()
                if !clauses.positive.isEmpty { separator = ", " }
                previousWord = nil
            case let .phrase(text, dashed):
                if dashed {
                    closeNegation(); closeRun()
                    clauses.negative.append((text.split(separator: " ").map(String.init), "-"))
                } else if negated != nil {
                    negated?.words.append(contentsOf: text.split(separator: " ").map(String.init))
                } else {
                    run.append(text)
                    clauses.phrases.append(text)
                }
                previousWord = nil
            case let .word(word, dashed):
                let next: String? = position + 1 < tokens.count ? { if case let .word(w, _) = tokens[position + 1] { return w } else { return nil } }() : nil
                if dashed {
                    closeNegation(); closeRun()
                    clauses.negative.append(([word], "-"))
                } else if word.hasPrefix("non-"), word.count > 4 {
                    closeNegation(); closeRun()
                    clauses.negative.append(([String(word.dropFirst(4))], "non-"))
                } else if word == "nobody" || word == "noone" {
                    closeNegation(); closeRun()
                    clauses.negative.append((["people"], word))
                } else if QueryVocabulary.isCue(word) {
                    if word == "not", next == "only" { break }  // "not only … but also" is not negation
                    closeNegation(); closeRun()
                    let cue = [previousWord].compactMap { $0 }.filter { ["but", "with", "and"].contains($0) } + [word]
                    negated = ([], cue.joined(separator: " "))
                } else if let current = negated {
                    if word == "or" || word == "nor" {
                        closeNegation()
                        negated = ([], current.cue)
                    } else if QueryVocabulary.endsNegation(word), !(next.map(QueryVocabulary.isCue) ?? false) {
                        closeNegation()
                        run.append(word)
                    } else {
                        negated?.words.append(word)
                    }
                } else {
                    run.append(word)
                }
                previousWord = word
            }
        }
        closeNegation()
        closeRun()
        return clauses
    }

    static func withoutPossessive(_ word: String) -> String {
        word.hasSuffix("'s") ? String(word.dropLast(2)) : word
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
