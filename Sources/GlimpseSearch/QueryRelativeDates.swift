import Foundation
import GlimpseIndex

/// When the photos were taken, said relative to today: "yesterday", "last summer", "this year", "last
/// weekend", "two years ago", "in the past 3 weeks" (`QueryDates` takes the first date clause of a query out
/// of its words, these among them).
///
/// Weeks run Monday to Sunday; a weekend is its Saturday and Sunday ("this weekend" and "last weekend" on a
/// weekday are the one just past). "last SEASON" is the latest one that has ended (northern seasons, as
/// `QueryDates`); "this SEASON" is the current year's (this winter: the one around the turn of this year
/// when it is January or February, else the one starting in December). "the past N days" ends today.
enum QueryRelativeDates {
    /// The first relative date clause in `query` counted from `today` in `calendar`, skipping quoted and
    /// negated ones: where it is and the span it names.
    static func firstMatch(in query: String, today: Date, calendar: Calendar) -> (range: NSRange, span: TakenRange)? {
        let day = Day(date: today, calendar: calendar)
        let whole = NSRange(query.startIndex..., in: query)
        var found: (range: NSRange, span: TakenRange)?
        for pattern in patterns {
            for match in pattern.expression.matches(in: query, range: whole)
            where !QueryDates.isQuoted(match.range, in: query) && !QueryDates.isNegated(match.range, in: query) {
                let groups = (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: query).map { query[$0].lowercased() } }
                guard let span = pattern.span(groups, day) else { continue }
                if found == nil || match.range.location < found!.range.location { found = (match.range, span) }
                break
            }
        }
        return found
    }

    /// A clause and the span it names from its groups and today. `NSRegularExpression` is immutable and
    /// documented as safe to use from several threads at once.
    private struct Pattern: @unchecked Sendable {
        let expression: NSRegularExpression
        let span: @Sendable ([String], Day) -> TakenRange?

        init(_ pattern: String, _ span: @escaping @Sendable ([String], Day) -> TakenRange?) {
            let lead = "(?:(?:taken|shot|photographed)\\s+)?(?:(?:from|in|on|during|over)\\s+)?(?:the\\s+)?"
            expression = try! NSRegularExpression(pattern: "\\b" + lead + pattern + "\\b", options: [.caseInsensitive])
            self.span = span
        }
    }

    private static let counts = ["a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a few": 3]
    private static let count = "(\\d{1,3}|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
    private static let unit = "(day|week|month|year)s?"

    private static func number(_ text: String) -> Int? { Int(text) ?? counts[text] }

    private static let patterns: [Pattern] = [
        // "the past 3 weeks", "in the last two years": up to today.
        Pattern("(?:last|past)\\s+\(count)\\s+\(unit)") { groups, day in
            guard let n = number(groups[0]), n > 0 else { return nil }
            return day.span(endingTodayOver: n, groups[1])
        },
        // "the past week", "over the past year": one of them, up to today.
        Pattern("past\\s+\(unit)") { groups, day in day.span(endingTodayOver: 1, groups[0]) },
        // "two years ago", "a week ago": that day, week, month or year.
        Pattern("\(count)\\s+\(unit)\\s+ago") { groups, day in
            guard let n = number(groups[0]), n > 0 else { return nil }
            return day.unit(groups[1], back: n)
        },
        Pattern("(this|last)\\s+(weekend|week|month|year)") { groups, day in
            groups[1] == "weekend" ? day.weekend(last: groups[0] == "last") : day.unit(groups[1], back: groups[0] == "last" ? 1 : 0)
        },
        Pattern("(this|last)\\s+(spring|summer|autumn|fall|winter)") { groups, day in day.season(groups[1], last: groups[0] == "last") },
        Pattern("(today|yesterday)") { groups, day in TakenRange(day.text(day.adding(.day, groups[0] == "today" ? 0 : -1))) },
    ]

    /// A calendar day and the spans counted from it.
    struct Day: Sendable {
        let date: Date
        let calendar: Calendar

        init(date: Date, calendar: Calendar) {
            self.calendar = calendar
            self.date = calendar.startOfDay(for: date)
        }

        func adding(_ component: Calendar.Component, _ value: Int, to start: Date? = nil) -> Date {
            calendar.date(byAdding: component, value: value, to: start ?? date) ?? date
        }

        func text(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 1, parts.day ?? 1)
        }

        func monthText(_ date: Date) -> String { String(text(date).prefix(7)) }

        /// Monday of the week that holds `date`.
        func monday(of date: Date) -> Date {
            let weekday = calendar.component(.weekday, from: date)  // 1 is Sunday
            return adding(.day, -((weekday + 5) % 7), to: date)
        }

        func span(endingTodayOver count: Int, _ unit: String) -> TakenRange? {
            let start: Date = switch unit {
            case "day": adding(.day, 1 - count)
            case "week": adding(.day, 1 - 7 * count)
            case "month": adding(.day, 1, to: adding(.month, -count))
            default: adding(.day, 1, to: adding(.year, -count))
            }
            return TakenRange("\(text(start))..\(text(date))")
        }

        /// The day, week, month or year `back` of them before today's (0: today's own).
        func unit(_ unit: String, back: Int) -> TakenRange? {
            switch unit {
            case "day": return TakenRange(text(adding(.day, -back)))
            case "week":
                let monday = monday(of: adding(.day, -7 * back))
                return TakenRange("\(text(monday))..\(text(back == 0 ? date : adding(.day, 6, to: monday)))")
            case "month": return TakenRange(monthText(adding(.month, -back)))
            default: return TakenRange(String(text(adding(.year, -back)).prefix(4)))
            }
        }

        /// The latest weekend that has begun (with `last`, the one before it when today is in a weekend).
        func weekend(last: Bool) -> TakenRange? {
            let weekday = calendar.component(.weekday, from: date)  // 1 Sunday … 7 Saturday
            var saturday = adding(.day, weekday == 7 ? 0 : -weekday)  // Sunday: 1 day back, Monday: 2, … Friday: 6
            if last && (weekday == 7 || weekday == 1) { saturday = adding(.day, -7, to: saturday) }
            return TakenRange("\(text(saturday))..\(text(adding(.day, 1, to: saturday)))")
        }

        func season(_ name: String, last: Bool) -> TakenRange? {
            let year = calendar.component(.year, from: date), month = calendar.component(.month, from: date)
            if name == "winter" {
                // The winter that starts in December of `start`.
                let start = last ? (month >= 3 ? year - 1 : year - 2) : (month <= 2 ? year - 1 : year)
                return TakenRange("\(start)-12..\(start + 1)-02")
            }
            let first = ["spring": 3, "summer": 6][name] ?? 9
            let seasonYear = last && month <= first + 2 ? year - 1 : year
            return TakenRange(String(format: "%04d-%02d..%04d-%02d", seasonYear, first, seasonYear, first + 2))
        }
    }
}
