import Foundation
import GlimpseImage
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// Search over the tags people wrote in their photo manager (`SearchDocument.tags`).
@Suite("Search by the tags people wrote")
struct PhotoTagsSearchTests {
    /// `SearchScopeTests`' 300 images; every tenth tagged with a person and a place, rated 1 to 5 by position,
    /// image 7 rejected.
    static func index() -> InMemoryIndex {
        InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            if position % 10 == 0 {
                entry.document.tags = PhotoTags(title: "Holiday \(position)", keywords: ["Lisbon"], people: ["Anna Karenina"],
                                                rating: 1 + (position / 10) % 5)
            }
            if position == 7 { entry.document.tags = PhotoTags(keywords: ["blurry"], rating: -1) }
            return entry
        })
    }

    func search(_ query: String, _ options: SearchOptions = SearchOptions(limit: 10)) throws -> SearchResponse {
        try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search(query)
    }

    @Test("a name or a keyword only the tags hold finds the tagged photos, and the explanation names the tag")
    func findsTags() throws {
        let response = try search("Lisbon", SearchOptions(limit: 10, rankers: [.fullText]))
        #expect(response.results.count == 10)
        let tagged = response.results.filter { $0.tags?.keywords == ["Lisbon"] }
        #expect(tagged.count == 10, "full text ranks the tagged photos first: \(response.results.map(\.path))")
        #expect(tagged.allSatisfy { $0.explanation.matchedTags == ["Lisbon"] })
        #expect(tagged[0].explanation.summary.hasPrefix(#"tagged "Lisbon""#), "\(tagged[0].explanation.summary)")
        // The fake CLIP finds a "car" in "Karenina": full text alone shows what the tags hold.
        let named = try search("Karenina", SearchOptions(limit: 10, rankers: [.fullText]))
        #expect(named.results.count == 10 && named.results.allSatisfy { $0.explanation.matchedTags == ["Anna Karenina"] })
        let untagged = try search("a dog on a sofa")
        #expect(untagged.results.allSatisfy { $0.explanation.matchedTags == nil })
    }

    @Test("negation sees the tags: without Anna demotes, or with strict drops, the photos tagged with her")
    func negation() throws {
        var options = SearchOptions(limit: 300)
        options.negation.mode = .strict
        options.rankers = [.fullText]
        let kept = try search("a dog without Anna", options)
        #expect(!kept.results.isEmpty)
        #expect(kept.results.allSatisfy { $0.tags?.people.contains("Anna Karenina") != true }, "\(kept.results.map(\.path))")
        #expect(kept.excluded > 0)
    }

    @Test("the place's names (named from the location, or a photo manager's) find the photos taken there, and are shown")
    func places() throws {
        let index = InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            if position % 20 == 3 { entry.document.place = "Amadora, Lisbon, Portugal" }
            if position == 23 { entry.document.tags = PhotoTags(place: ["Belém", "Lisbon"]) }
            return entry
        })
        func search(_ query: String, _ options: SearchOptions) throws -> SearchResponse {
            try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options).search(query)
        }
        let found = try search("Amadora", SearchOptions(limit: 15, rankers: [.fullText]))
        #expect(found.results.count == 15 && found.results.allSatisfy { $0.place != nil }, "\(found.results.map(\.path))")
        let managed = try #require(found.results.first { $0.tags?.place.isEmpty == false })
        #expect(managed.place == "Belém, Lisbon", "a photo manager's names are shown before those named from the location")
        #expect(managed.explanation.matchedPlace == ["Amadora"] && managed.explanation.summary.contains("taken at Amadora"))
        let both = try #require(try search("Lisbon", SearchOptions(limit: 15, rankers: [.fullText])).results.first { $0.tags?.place.isEmpty == false })
        #expect(both.explanation.matchedPlace == ["Lisbon"], "a name both hold is named once")

        var strict = SearchOptions(limit: 300, rankers: [.fullText])
        strict.negation.mode = .strict
        let away = try search("a dog not in Portugal", strict)
        #expect(!away.results.isEmpty && away.results.allSatisfy { $0.place == nil } && away.excluded > 0, "\(away.results.map(\.place))")
    }

    @Test("a telling folder's name finds the photos in it, and the explanation names the folder")
    func folders() throws {
        let index = InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            if position % 30 == 0 { entry.document.path = "/home/anna/Pictures/Grandma's birthday/DCIM/IMG_\(position).jpg" }
            return entry
        })
        let response = try Searcher(index: index, keywords: FakeKeywords(), options: SearchOptions(limit: 10, rankers: [.fullText]))
            .search("grandma")
        #expect(response.results.count == 10 && response.results.allSatisfy { $0.path.contains("Grandma's birthday") })
        #expect(response.results.allSatisfy { $0.explanation.matchedFolders == ["Grandma's birthday"] })
        #expect(response.results[0].explanation.summary.contains(#"in folder "Grandma's birthday""#))
    }

    @Test("a telling file name finds the photo, and the explanation names it; a camera's name is never matched")
    func fileNames() throws {
        let index = InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            entry.document.path = position == 17 ? "/srv/photos/golden-retriever-puppy-3277268.jpg" : "/srv/photos/IMG_\(position).jpg"
            return entry
        })
        let searcher = Searcher(index: index, keywords: FakeKeywords(), options: SearchOptions(limit: 10, rankers: [.fullText]))
        let response = try searcher.search("retriever")
        #expect(response.results.map(\.path) == ["/srv/photos/golden-retriever-puppy-3277268.jpg"])
        #expect(response.results[0].explanation.matchedFileName == "golden retriever puppy")
        #expect(response.results[0].explanation.summary.contains(#"named "golden retriever puppy""#))
        #expect(try searcher.search("img").results.isEmpty, "IMG_17 says nothing")
    }

    @Test("--rating keeps the photos rated at least so many stars; a rejected photo never counts; the answer says how many")
    func rating() throws {
        let four = try search("a dog on a sofa", SearchOptions(limit: 50, minimumRating: 4))
        #expect(!four.results.isEmpty)
        #expect(four.results.allSatisfy { ($0.tags?.rating ?? 0) >= 4 }, "\(four.results.map(\.tags))")
        #expect(four.notes.contains("Searched the photos rated 4 star(s) or more: 12 indexed image(s)."), "\(four.notes)")
        let one = try search("blurry", SearchOptions(limit: 50, minimumRating: 1))
        #expect(one.results.allSatisfy { $0.image != 8 }, "the rejected photo (-1) is below any rating")
        let index = InMemoryIndex(SearchScopeTests.entries())
        let none = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: SearchOptions(limit: 5, minimumRating: 1)).search("a dog")
        #expect(none.results.isEmpty && none.notes.contains { $0.hasPrefix("No indexed photo is rated 1 star(s) or more") })
    }

    @Test("--near keeps the photos taken within the distance of a place; the answer says how many")
    func near() throws {
        let entries = SearchScopeTests.entries().enumerated().map { position, entry -> InMemoryIndex.Entry in
            var entry = entry
            // Every third photo in Lisbon, spread 0 to 9.9 km east of the centre; the others nowhere.
            if position % 3 == 0 {
                entry.document.tags = PhotoTags(location: PhotoLocation(latitude: 38.7223, longitude: -9.1393 + Double(position % 100) * 0.00115))
            }
            return entry
        }
        let index = InMemoryIndex(entries)
        let centre = try #require(PhotoLocation(latitude: 38.7223, longitude: -9.1393))
        let area = NearbyArea(center: centre, kilometres: 5)
        let response = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                    options: SearchOptions(limit: 300, near: area)).search("a dog on a sofa")
        #expect(!response.results.isEmpty)
        #expect(response.results.allSatisfy { $0.tags?.location.map { centre.kilometres(to: $0) <= 5 } ?? false })
        let inside = try index.imageIDs(takenWithin: area).count
        #expect(inside > 0 && inside < 100)
        #expect(response.notes.contains("Searched the photos taken within 5.0 km of 38.72230,-9.13930: \(inside) indexed image(s)."),
                "\(response.notes)")
    }

    @Test("--why says when a photo's rating is below the stars searched")
    func standing() throws {
        let searcher = Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: SearchOptions(limit: 10, minimumRating: 5))
        let rejected = try searcher.standing(of: 8, for: "blurry")
        #expect(!rejected.ratedEnough && rejected.rating == -1 && rejected.rank == nil)
        let fiveStars = try searcher.standing(of: 41, for: "Lisbon")
        #expect(fiveStars.ratedEnough && fiveStars.rating == 5)
    }
}
