import Foundation
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// When the photos were taken, said in a query: taken out of the words and searched as a span of dates.
@Suite("Dates in a query")
struct QueryDatesTests {
    let parser = QueryParser(keywords: FakeKeywords())

    @Test("years, months, seasons and spans after their words become the span; the other words are searched",
          arguments: [
              ("a dog on the beach in 2019", "2019", ["dog", "beach"]),
              ("a child playing in the snow in June 2018", "2018-06", ["child", "playing", "snow"]),
              ("Taken in December of 2020, a decorated tree", "2020-12", ["decorated", "tree"]),
              ("a lake in the summer of 2017", "2017-06..2017-08", ["lake"]),
              ("snow in winter 2020", "2020-12..2021-02", ["snow"]),
              ("a firework from 2015 to 2017", "2015..2017", ["firework"]),
              ("a bridge photographed between 2010 and 2012", "2010..2012", ["bridge"]),
              ("my garden since 2020", "2020..", ["garden"]),
              ("a red car after 2015", "2016..", ["red", "car"]),
              ("a red car before 2010, but no trucks", "..2009", ["red", "car"]),
          ])
    func understood(query: String, span: String, words: [String]) throws {
        let parsed = try parser.parse(query)
        #expect(parsed.taken == TakenRange(span), "\(query)")
        #expect(Set(parsed.terms) == Set(words), "\(query): \(parsed.terms)")
        #expect(parsed.positiveText.allSatisfy { !$0.isNumber }, "CLIP and MiniLM never see the date: \(parsed.positiveText)")
        #expect(parsed.summary.hasSuffix("taken: \(span)"), "\(parsed.summary)")
    }

    @Test("a bare year, a year in quotes, a year outside 1900–2099 and a number of things stay words",
          arguments: ["a 2019 calendar", "a poster saying \"in 2019\"", "a ship in 1850", "in 250 boxes", "a team of 2020 people",
                     "a beach, but not in 2019", "a lake except from 2015 to 2017"])
    func notADate(query: String) throws {
        let parsed = try parser.parse(query)
        #expect(parsed.taken == nil, "\(query)")
    }

    @Test("a query that is only a date has nothing to search for")
    func onlyADate() {
        #expect(throws: SearchError.onlyADate(query: "in 2019", taken: TakenRange("2019")!)) { try parser.parse("in 2019") }
        #expect(SearchError.onlyADate(query: "in 2019", taken: TakenRange("2019")!).localizedDescription
            .contains("a query that only says when, with nothing to leave out, lists the photos taken then, as does an empty query with the span 2019 as a filter"))
    }

    @Test("the span said in the query scopes the search; --taken, when given, wins")
    func searching() throws {
        let index = TakenScopeTests.index()
        let searcher = Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: SearchOptions(limit: 10))
        let response = try searcher.search("a dog on a sofa in 2020")
        #expect(response.query.taken == TakenRange("2020"))
        #expect(!response.results.isEmpty && response.results.allSatisfy { $0.taken == "2020-06-01T08:30:00" })
        #expect(response.notes.contains { $0.hasPrefix("Searched the photos taken in 2020: ") })
        var options = SearchOptions(limit: 10)
        options.taken = TakenRange("2019")
        let explicit = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search("a dog on a sofa in 2020")
        #expect(!explicit.results.isEmpty && explicit.results.allSatisfy { $0.taken?.hasPrefix("2019-") == true })
    }

    @Test("where an image stands says whether it was taken in the span searched")
    func standing() throws {
        let searcher = Searcher(index: TakenScopeTests.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences())
        let outside = try searcher.standing(of: 1, for: "a dog on a sofa in 2020")  // image 1 was taken in January 2019
        #expect(outside.takenSpan == TakenRange("2020") && outside.taken == "2019-01-10T12:00:00" && !outside.inTakenSpan)
        #expect(outside.rank == nil)
        let inside = try searcher.standing(of: 2, for: "a dog on a sofa in 2020")
        #expect(inside.inTakenSpan && inside.taken == "2020-06-01T08:30:00")
        let undated = try searcher.standing(of: 3, for: "a dog on a sofa in 2020")
        #expect(undated.taken == nil && !undated.inTakenSpan)
        #expect(try searcher.standing(of: 3, for: "a dog on a sofa").inTakenSpan, "no span: every image is in it")
    }
}
