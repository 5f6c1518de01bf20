import Foundation
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// A query with nothing to look for ("photos from yesterday", "in 2019", or nothing with a folder): the photos
/// its filters leave, in the order taken.
@Suite("Listing by dates and filters")
struct ListingSearchTests {
    let parser = QueryParser(keywords: FakeKeywords())

    func searcher(limit: Int = 10, folders: [String] = [], taken: TakenRange? = nil, newestFirst: Bool = false) -> Searcher {
        var options = SearchOptions(limit: limit, folders: folders, taken: taken)
        options.newestFirst = newestFirst
        return Searcher(index: TakenScopeTests.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
    }

    @Test("the parser returns a query with nothing to look for only when asked, and never with something to leave out")
    func parsing() throws {
        let parsed = try parser.parse("photos from 2019", allowingListing: true)
        #expect(parsed.isListing && parsed.taken == TakenRange("2019") && parsed.terms.isEmpty)
        #expect(throws: SearchError.onlyADate(query: "photos from 2019", taken: TakenRange("2019")!)) { try parser.parse("photos from 2019") }
        #expect(throws: SearchError.onlyADate(query: "in 2019 without dogs", taken: TakenRange("2019")!)) {
            try parser.parse("in 2019 without dogs", allowingListing: true)
        }
        #expect(try !parser.parse("dogs in 2019", allowingListing: true).isListing)
        #expect(throws: SearchError.noUsableTerms(query: "the of")) { try parser.parse("the of") }
        #expect(try parser.parse("the of", allowingListing: true).isListing)
        #expect(try parser.parse("", allowingListing: true).isListing)
    }

    @Test("lists the photos taken in the span in the order taken, unranked, and says so")
    func listing() throws {
        let response = try searcher().search("photos from 2019")
        #expect(response.results.count == 10 && response.rankers.isEmpty)
        let taken = response.results.compactMap(\.taken)
        #expect(taken.count == 10 && taken.allSatisfy { $0.hasPrefix("2019-") })
        let order = response.results.map { ($0.taken ?? "", $0.image) }
        #expect(order.map(\.0) == order.sorted { $0 < $1 }.map(\.0) && order.map(\.1) == order.sorted { $0 < $1 }.map(\.1),
                "by the date taken, then by id: \(order)")
        #expect(taken.first == "2019-01-10T12:00:00", "the earliest first")
        #expect(response.results.map(\.rank) == Array(1...10) && response.results.allSatisfy { $0.score == 1 })
        #expect(response.notes.contains("Nothing to look for but the date: the photos taken in 2019, in the order they were taken (100 indexed image(s))."),
                "\(response.notes)")
        #expect(response.results.allSatisfy { $0.explanation.rankers.isEmpty && !$0.explanation.summary.contains("#") })

        // A deeper page starts with the shallower one: paging by offset neither repeats nor skips.
        let deeper = try searcher(limit: 25).search("photos from 2019")
        #expect(Array(deeper.results.prefix(10).map(\.image)) == response.results.map(\.image))
        let all = try searcher(limit: 500).search("in 2019")
        #expect(all.results.count == 100, "every photo of the span, and no more")
    }

    @Test("the other filters apply; --taken wins over the query's date; nothing taken then is an empty answer")
    func filters() throws {
        let within = try searcher(folders: ["/lib/homework"]).search("in 2019")
        #expect(!within.results.isEmpty && within.results.allSatisfy { $0.path.hasPrefix("/lib/homework/") && $0.taken?.hasPrefix("2019-") == true })
        let overridden = try searcher(taken: TakenRange("2020")).search("in 2019")
        #expect(!overridden.results.isEmpty && overridden.results.allSatisfy { $0.taken == "2020-06-01T08:30:00" })
        let none = try searcher().search("in 1990")
        #expect(none.results.isEmpty && none.notes.contains("No indexed photo records a date taken in 1990."))
    }

    @Test("with no date, a folder's photos in the order taken, undated ones last by id; no filter at all is nothing to list")
    func foldersAlone() throws {
        let response = try searcher(limit: 200, folders: ["/lib/homework"]).search("")
        #expect(response.results.count == 97 && response.results.allSatisfy { $0.path.hasPrefix("/lib/homework/") })
        let dated = response.results.prefix { $0.taken != nil }
        let undated = response.results.dropFirst(dated.count)
        #expect(!dated.isEmpty && !undated.isEmpty && undated.allSatisfy { $0.taken == nil }, "the undated ones come last")
        #expect(dated.map { $0.taken! } == dated.map { $0.taken! }.sorted())
        #expect(undated.map(\.image) == undated.map(\.image).sorted())
        #expect(response.notes.contains { $0.hasPrefix("Nothing to look for: the 97 photo(s) these filters leave") }, "\(response.notes)")
        let whole = try searcher(limit: 500, folders: ["/lib"]).search("photos")
        #expect(whole.results.count == 300, "a folder that holds the whole index lists it all")
        #expect(throws: SearchError.noUsableTerms(query: "photos")) { try searcher().search("photos") }
        #expect(throws: SearchError.noUsableTerms(query: "")) { try searcher().search("") }
    }

    @Test("newest first reverses the dated photos of a listing, keeps the undated ones last, and leaves ranked results alone")
    func newestFirst() throws {
        let year = try searcher(newestFirst: true).search("in 2019")
        #expect(year.results.first?.taken == "2019-10-10T12:00:00", "\(year.results.map(\.taken))")
        let taken = year.results.compactMap(\.taken)
        #expect(taken == taken.sorted(by: >))
        #expect(year.notes.contains { $0.contains("the photos taken in 2019, newest first") }, "\(year.notes)")
        let folder = try searcher(limit: 200, folders: ["/lib/homework"], newestFirst: true).search("")
        let dated = folder.results.prefix { $0.taken != nil }
        #expect(dated.map { $0.taken! } == dated.map { $0.taken! }.sorted(by: >))
        let undated = folder.results.dropFirst(dated.count)
        #expect(!undated.isEmpty && undated.allSatisfy { $0.taken == nil } && undated.map(\.image) == undated.map(\.image).sorted())
        let ranked = try searcher(newestFirst: true).search("a dog on a sofa")
        #expect(ranked.results.map(\.image) == (try searcher().search("a dog on a sofa")).results.map(\.image))
        #expect(ranked.notes.contains(SearchNotes.newestFirstOnlyListings))
    }

    @Test("--why still asks for something to look for")
    func why() throws {
        #expect(throws: SearchError.self) { try searcher().standing(of: 1, for: "in 2019") }
    }
}
