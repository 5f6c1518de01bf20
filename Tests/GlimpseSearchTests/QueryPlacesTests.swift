import Foundation
import GlimpseImage
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// A place named in a query ("a dog in Amadora") searches the photos taken there, when the index holds any.
@Suite("Places named in queries")
struct QueryPlacesTests {
    /// `SearchScopeTests`' 300 images: every tenth named Amadora from its location, every tenth from the
    /// fifth named Rio de Janeiro, and image 1 placed in São Paulo by a photo manager.
    static let index = InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
        var entry = entry
        if position % 10 == 0 { entry.document.place = "Amadora, Lisbon, Portugal" }
        if position % 10 == 5 { entry.document.place = "Rio de Janeiro, Brazil" }
        if position == 1 { entry.document.tags = PhotoTags(place: ["Avenida Paulista", "São Paulo", "Brazil"]) }
        return entry
    })

    func search(_ query: String, limit: Int = 50) throws -> SearchResponse {
        try Searcher(index: Self.index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                     options: SearchOptions(limit: limit)).search(query)
    }

    @Test("\"in\", \"at\", \"near\", \"from\" (also after \"photographed\") and a place of indexed photos: only those photos, the words not searched")
    func filters() throws {
        for query in ["a dog in Amadora", "a dog at amadora", "a dog photographed near AMADORA", "a dog from Amadora, sleeping"] {
            let response = try search(query)
            #expect(response.query.place?.lowercased() == "amadora", "\(query)")
            #expect(response.results.count == 30 && response.results.allSatisfy { $0.place == "Amadora, Lisbon, Portugal" }, "\(query)")
            #expect(!response.query.terms.contains("amadora") && response.query.terms.contains("dog"), "\(query): \(response.query.terms)")
            #expect(response.notes.contains { $0.hasPrefix("Searched the photos taken at") && $0.hasSuffix(": 30 indexed image(s).") },
                    "\(response.notes)")
            #expect(response.query.summary.contains("taken at: "), "\(response.query.summary)")
        }
        let rio = try search("a cat on a beach in Rio de Janeiro")
        #expect(rio.query.place == "Rio de Janeiro" && rio.results.count == 30, "the longest name: \(rio.query)")
        let paulo = try search("traffic in sao paulo")
        #expect(paulo.query.place == "sao paulo" && paulo.results.map(\.path) == [SearchScopeTests.entries()[1].document.path],
                "a photo manager's place, accents folded")
        let inside = try search("a dog in the garden at Amadora")
        #expect(inside.query.place == "Amadora", "a preposition among the words after another starts a clause too")
    }

    @Test("no place of indexed photos, stop words, quotes and negation leave the words as they are")
    func leftAsWords() throws {
        for query in ["a dog in Paris", "a dog in the park", #"a dog "in Amadora""#, "a dog not in Amadora", "a dog in a"] {
            let response = try search(query)
            #expect(response.query.place == nil, "\(query)")
        }
        let away = try search("a dog not in Amadora", limit: 300)
        #expect(away.query.negatives.map(\.text) == ["amadora"])
        let only = try search("photos in Amadora")
        #expect(only.query.place == nil && only.query.terms.contains("amadora"), "nothing else to search: the place is searched as words")
        #expect(only.results.first?.place == "Amadora, Lisbon, Portugal")
    }

    @Test("--why parses the query as search does")
    func standing() throws {
        let searcher = Searcher(index: Self.index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: SearchOptions(limit: 10))
        let elsewhere = try #require(SearchScopeTests.entries().dropFirst(3).first?.document.id)
        let standing = try searcher.standing(of: elsewhere, for: "a dog in Amadora")
        #expect(standing.query.place == "Amadora" && standing.rank == nil && !standing.atPlace && standing.place == nil)
        let there = try #require(SearchScopeTests.entries().first?.document.id)
        let inAmadora = try searcher.standing(of: there, for: "a dog in Amadora")
        #expect(inAmadora.atPlace && inAmadora.place == "Amadora, Lisbon, Portugal")
    }
}
