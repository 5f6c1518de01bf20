import Foundation
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// Dates said relative to today ("last summer", "yesterday"), counted from a fixed day.
@Suite("Relative dates in a query")
struct QueryRelativeDatesTests {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func day(_ text: String) -> Date { try! Date(text + "T12:00:00Z", strategy: .iso8601) }

    static func span(_ query: String, today: String = "2026-12-04") -> (span: String?, rest: String?) {
        let found = QueryDates.extract(from: query, now: day(today), calendar: calendar)
        return (found.map { "\($0.range)" }, found?.rest)
    }

    @Test("counted from Friday 4 December 2026", arguments: [
        ("kids playing yesterday", "2026-12-03"),
        ("a cake today", "2026-12-04"),
        ("a beach last summer", "2026-06..2026-08"),
        ("snow last winter", "2025-12..2026-02"),
        ("snow this winter", "2026-12..2027-02"),
        ("blossoms this spring", "2026-03..2026-05"),
        ("the party last weekend", "2026-11-28..2026-11-29"),
        ("the party this weekend", "2026-11-28..2026-11-29"),
        ("a concert last week", "2026-11-23..2026-11-29"),
        ("receipts this week", "2026-11-30..2026-12-04"),
        ("a hike last month", "2026-11"),
        ("my garden this year", "2026"),
        ("a wedding last year", "2025"),
        ("a dog in the last 3 days", "2026-12-02..2026-12-04"),
        ("a dog over the past two weeks", "2026-11-21..2026-12-04"),
        ("a dog in the past year", "2025-12-05..2026-12-04"),
        ("a dog from a few days ago", "2026-12-01"),
        ("a dog a week ago", "2026-11-23..2026-11-29"),
        ("a dog three months ago", "2026-09"),
        ("a dog 2 years ago", "2024"),
        ("a dog taken last Summer, no people", "2026-06..2026-08"),
    ])
    func spans(query: String, expected: String) {
        let found = Self.span(query)
        #expect(found.span == TakenRange(expected).map { "\($0)" }, "\(query)")
        #expect(found.rest.map { !$0.lowercased().contains("last") && !$0.contains("ago") && !$0.contains("yesterday") } == true,
                "the words that said it are not searched: \(found.rest ?? "")")
    }

    @Test("around the turn of a year, and on a weekend")
    func edges() {
        #expect(Self.span("snow last winter", today: "2026-01-10").span == "2024-12..2025-02", "this winter is not over yet")
        #expect(Self.span("a beach last summer", today: "2026-01-10").span == "2025-06..2025-08")
        #expect(Self.span("fireworks last month", today: "2026-01-10").span == "2025-12")
        #expect(Self.span("a walk last week", today: "2026-01-01").span == "2025-12-22..2025-12-28")
        #expect(Self.span("a walk yesterday", today: "2026-03-01").span == "2026-02-28")
        #expect(Self.span("the party this weekend", today: "2026-12-06").span == "2026-12-05..2026-12-06", "on Sunday, this one")
        #expect(Self.span("the party last weekend", today: "2026-12-06").span == "2026-11-28..2026-11-29", "on Sunday, the one before")
        #expect(Self.span("snow this winter", today: "2026-02-10").span == "2025-12..2026-02")
    }

    @Test("quoted or negated, or a year said first, it is left alone or loses to the earlier clause")
    func leftAlone() {
        #expect(Self.span("a dog, not last year").span == nil)
        #expect(Self.span("\"the last week\" poster").span == nil)
        #expect(Self.span("a dog in 2019 and yesterday").span == "2019", "the first date clause wins")
        #expect(Self.span("the last day of school").span == nil)
    }

    @Test("the parser takes it out of the words and searches the span")
    func parsed() throws {
        let parsed = try QueryParser(keywords: FakeKeywords()).parse("a beach last summer but no people")
        #expect(parsed.taken != nil && !parsed.terms.contains("summer") && !parsed.terms.contains("last"), "\(parsed)")
    }

    @Test("--taken and taken= take a date clause alone as well as the span syntax; anything more is refused")
    func takenOption() {
        let today = Self.day("2026-12-04")
        #expect(TakenRange.parsing("2019-06..2019-08", now: today, calendar: Self.calendar) == TakenRange("2019-06..2019-08"))
        #expect(TakenRange.parsing("last summer", now: today, calendar: Self.calendar) == TakenRange("2026-06..2026-08"))
        #expect(TakenRange.parsing("in June 2019", now: today, calendar: Self.calendar) == TakenRange("2019-06"))
        #expect(TakenRange.parsing("Yesterday.", now: today, calendar: Self.calendar) == TakenRange("2026-12-03"))
        #expect(TakenRange.parsing("a beach last summer", now: today, calendar: Self.calendar) == nil, "only the date clause")
        #expect(TakenRange.parsing("some summer", now: today, calendar: Self.calendar) == nil)
    }
}
