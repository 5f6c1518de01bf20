import Foundation
import GlimpseIndex

/// When the photos were taken, said in plain English inside a query: "a beach in 2019", "snow in winter
/// 2020", "kids in June 2018", "from 2015 to 2017", "between 2010 and 2012", "since 2020", "before 2010",
/// and relative to today: "last summer", "yesterday", "two years ago" (`QueryRelativeDates`).
///
/// A year is 1900–2099 and always comes after one of these words (a bare "2019" is left to the text, as
/// is anything between quotes or right after a negation: "not in 2019"). Seasons are those of the northern hemisphere (winter 2020 is December
/// 2020 to February 2021). The first such clause is taken out of the query; the rest is searched as usual.
enum QueryDates {
    /// The span a query names and the query without that clause (a comma in its place, so that no
    /// compound forms across it); nil when it names none. Relative dates ("last summer",
    /// `QueryRelativeDates`) count from `now` in `calendar`.
    static func extract(from query: String, now: Date = Date(), calendar: Calendar = .current) -> (range: TakenRange, text: String, rest: String)? {
        let whole = NSRange(query.startIndex..., in: query)
        var found: (match: NSTextCheckingResult, range: TakenRange)?
        for pattern in patterns {
            for match in pattern.expression.matches(in: query, range: whole)
            where !isQuoted(match.range, in: query) && !isNegated(match.range, in: query) {
                let groups = (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: query).map { query[$0].lowercased() } }
                guard let range = pattern.range(groups) else { continue }
                if found == nil || match.range.location < found!.match.range.location { found = (match, range) }
                break
            }
        }
        var first = found.map { (range: $0.match.range, span: $0.range) }
        if let relative = QueryRelativeDates.firstMatch(in: query, today: now, calendar: calendar),
           first == nil || relative.range.location < first!.range.location {
            first = relative
        }
        guard let first, let span = Range(first.range, in: query) else { return nil }
        let rest = query.replacingCharacters(in: span, with: ",")
        return (first.span, String(query[span]), rest)
    }

    private static let year = "((?:19|20)[0-9]{2})"
    private static let taken = "(?:(?:taken|shot|photographed)\\s+)?"
    private static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                                 "october", "november", "december"]

    /// A clause and the span it names from its groups. `NSRegularExpression` is immutable and documented
    /// as safe to use from several threads at once.
    private struct Pattern: @unchecked Sendable {
        let expression: NSRegularExpression
        let range: @Sendable ([String]) -> TakenRange?

        init(_ pattern: String, _ range: @escaping @Sendable ([String]) -> TakenRange?) {
            expression = try! NSRegularExpression(pattern: "\\b" + pattern + "\\b", options: [.caseInsensitive])
            self.range = range
        }
    }

    private static let patterns: [Pattern] = [
        Pattern("\(taken)between\\s+\(year)\\s+and\\s+\(year)") { TakenRange("\($0[0])..\($0[1])") },
        Pattern("\(taken)from\\s+\(year)\\s+(?:to|until|till|through)\\s+\(year)") { TakenRange("\($0[0])..\($0[1])") },
        Pattern("\(taken)(?:in|during|from)\\s+(?:the\\s+)?(spring|summer|autumn|fall|winter)\\s+(?:of\\s+)?\(year)") { groups in
            guard let year = Int(groups[1]) else { return nil }
            switch groups[0] {
            case "spring": return TakenRange("\(year)-03..\(year)-05")
            case "summer": return TakenRange("\(year)-06..\(year)-08")
            case "winter": return TakenRange("\(year)-12..\(year + 1)-02")
            default: return TakenRange("\(year)-09..\(year)-11")
            }
        },
        Pattern("\(taken)(?:in|during|from)\\s+(\(months.joined(separator: "|")))\\s+(?:of\\s+)?\(year)") { groups in
            guard let month = months.firstIndex(of: groups[0]) else { return nil }
            return TakenRange(groups[1] + (month < 9 ? "-0\(month + 1)" : "-\(month + 1)"))
        },
        Pattern("\(taken)(?:in|during|from)\\s+\(year)") { TakenRange($0[0]) },
        Pattern("\(taken)since\\s+\(year)") { TakenRange("\($0[0])..") },
        Pattern("\(taken)after\\s+\(year)") { groups in Int(groups[0]).flatMap { TakenRange("\($0 + 1)..") } },
        Pattern("\(taken)before\\s+\(year)") { groups in Int(groups[0]).flatMap { TakenRange("..\($0 - 1)") } },
    ]

    /// Whether a negation cue comes right before `range` ("not in 2019", "except from 2015 to 2017"): such a
    /// span is not the one searched, and Glimpse has no "all but these dates"; it stays words.
    static func isNegated(_ range: NSRange, in query: String) -> Bool {
        guard let start = Range(range, in: query)?.lowerBound else { return false }
        let before = query[..<start].lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" })
        guard let last = before.last else { return false }
        return ["not", "except", "excluding", "without", "isn't", "wasn't", "never"].contains(String(last))
    }

    /// Whether `range` lies between double quotes (an odd number of them before it).
    static func isQuoted(_ range: NSRange, in query: String) -> Bool {
        guard let start = Range(range, in: query)?.lowerBound else { return false }
        return query[..<start].filter { $0 == "\"" }.count % 2 == 1
    }
}
