import Foundation
import GlimpseIndex

/// Where the photos were taken, said in plain English inside a query: "a beach in Lisbon", "snow at
/// Zermatt", "street food taken in Ho Chi Minh City", "sunsets near Sintra".
///
/// A clause is one of `in`, `at`, `near`, `around`, `from` (after `taken`, `shot` or `photographed`, or
/// not) and one to four words that name the place of indexed photos — a town the index named from their
/// location or a place a photo manager set (`SearchableIndex.imageIDs(takenAt:)`), the longest name first.
/// So the index decides: "a dog in Bath" is a place only when photos taken in Bath are indexed, and "a
/// cat in bed" stays words. Words only of stop words ("in the", "at a") are never a place; nor is a
/// clause between quotes or right after a negation ("not in Lisbon" is negation's). The first clause is
/// taken out of the query; the rest is searched as usual.
enum QueryPlaces {
    /// The place a query names, its clause, and the query without it (a comma in its place, so that no
    /// compound forms across it); nil when it names none.
    static func extract(from query: String, in index: any SearchableIndex) throws -> (name: String, text: String, rest: String)? {
        let whole = NSRange(query.startIndex..., in: query)
        for match in clause.matches(in: query, range: whole)
        where !QueryDates.isQuoted(match.range, in: query) && !QueryDates.isNegated(match.range, in: query) {
            guard let words = Range(match.range(at: 1), in: query) else { continue }
            let spans = query[words].split(separator: " ", omittingEmptySubsequences: true)
            for count in stride(from: min(maximumWords, spans.count), through: 1, by: -1) {
                let name = spans.prefix(count).joined(separator: " ")
                guard !spans.prefix(count).allSatisfy({ QueryVocabulary.isStopWord($0.lowercased()) }),
                      !(try index.imageIDs(takenAt: name)).isEmpty,
                      let start = Range(match.range, in: query)?.lowerBound else { continue }
                let span = start..<spans[count - 1].endIndex
                return (name, String(query[span]), query.replacingCharacters(in: span, with: ","))
            }
        }
        return nil
    }

    /// The most words a place's name is looked up with.
    static let maximumWords = 4

    /// A word of a place's name: letters and digits, with apostrophes, hyphens and dots inside (`Saint-Étienne`).
    private static let word = #"[\p{L}\p{N}](?:[\p{L}\p{N}'’.\-]*[\p{L}\p{N}])?"#

    /// A preposition, and the words after it up to punctuation in a lookahead (group 1), so that the
    /// prepositions among those words start clauses too ("in the garden at Sintra").
    /// `NSRegularExpression` is immutable and documented as safe to use from several threads at once.
    private nonisolated(unsafe) static let clause = try! NSRegularExpression(
        pattern: #"\b(?:(?:taken|shot|photographed)\s+)?(?:in|at|near|around|from)\s+(?=(\#(word)(?: \#(word))*))"#,
        options: [.caseInsensitive])
}
