import Foundation
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// Search within a span of dates (`SearchOptions.taken`): only photos taken then are ranked.
@Suite("Search by the date taken")
struct TakenScopeTests {
    /// `SearchScopeTests`' 300 images; a third taken in 2019, a third in 2020, a third without a date.
    static func index() -> InMemoryIndex {
        InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            entry.document.taken = [String(format: "2019-%02d-10T12:00:00", 1 + position % 12), "2020-06-01T08:30:00", nil][position % 3]
            return entry
        })
    }

    func search(_ query: String, folders: [String] = [], taken: String) throws -> SearchResponse {
        let options = SearchOptions(limit: 10, folders: folders, taken: try #require(TakenRange(taken)))
        return try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search(query)
    }

    @Test("only photos taken in the span, each result with its date; the answer says how many were searched")
    func year() throws {
        let response = try search("a dog on a sofa", taken: "2019")
        #expect(response.results.count == 10)
        #expect(response.results.allSatisfy { $0.taken?.hasPrefix("2019-") == true }, "\(response.results.map(\.taken))")
        #expect(response.notes.contains("Searched the photos taken in 2019: 100 indexed image(s)."), "\(response.notes)")
        let summer = try search("a dog on a sofa", taken: "2019-06..2019-08")
        #expect(!summer.results.isEmpty && summer.results.allSatisfy {
            guard let taken = $0.taken else { return false }
            return taken >= "2019-06" && taken < "2019-09"
        })
        let none = try search("a dog on a sofa", taken: "1990")
        #expect(none.results.isEmpty && none.notes.contains("No indexed photo records a date taken in 1990."))
    }

    @Test("with folders, the photos under them taken in the span")
    func foldersAndDates() throws {
        let response = try search("a kitchen knife", folders: ["/lib/homework"], taken: "2020")
        #expect(!response.results.isEmpty)
        #expect(response.results.allSatisfy { $0.path.hasPrefix("/lib/homework/") && $0.taken == "2020-06-01T08:30:00" })
        #expect(response.notes.contains { $0.hasPrefix("Searched the photos taken in 2020: ") })
    }
}
