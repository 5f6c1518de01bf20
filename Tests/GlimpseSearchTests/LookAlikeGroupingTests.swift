import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// `SearchOptions.lookAlikeSimilarity`: a burst of near-identical photos takes one place in the results.
@Suite("grouping look-alikes in search results")
struct LookAlikeGroupingTests {
    /// Three frames of one beach (image vectors nearly equal), a beach of another day, a forest, and a
    /// beach photo without an image embedding.
    static func index() -> InMemoryIndex {
        let beach = FakeCLIP.vector(for: "beach sand sea"), other = FakeCLIP.vector(for: "beach rock cliff")
        func nudged(_ vector: [Float], _ amount: Float, at index: Int) -> [Float] {
            var copy = vector
            copy[index] += amount
            return copy
        }
        let photos: [(String, String, [Float]?)] = [
            ("burst-1.jpg", "a sunny beach with sand and the sea", beach),
            ("burst-2.jpg", "a sunny beach with sand and the sea at noon", nudged(beach, 0.05, at: 7)),
            ("burst-3.jpg", "a beach with sand", nudged(beach, 0.08, at: 9)),
            ("cliff.jpg", "a sunny beach under a rock cliff", other),
            ("forest.jpg", "a sunny forest", FakeCLIP.vector(for: "forest tree")),
            ("scan.jpg", "a sunny beach on an old scan", nil),
        ]
        return InMemoryIndex(photos.enumerated().map { position, photo in
            let found = FakeKeywords().keywords(in: photo.1)
            let document = SearchDocument(id: ImageID(position + 1), path: "/photos/\(photo.0)", caption: photo.1, text: photo.1,
                                          keywords: found.words, compounds: found.compounds, regions: [])
            return InMemoryIndex.Entry(document: document, image: photo.2 ?? [], regions: [], text: FakeCLIP.vector(for: photo.1))
        })
    }

    func search(_ query: String, grouping: Double?, limit: Int = 10, strict: Bool = false) throws -> SearchResponse {
        var options = SearchOptions(limit: limit, rankers: [.fullText])
        options.lookAlikeSimilarity = grouping
        if strict { options.negation.mode = .strict }
        return try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), options: options).search(query)
    }

    @Test("frames of one burst are listed under the best of them; other photos keep their places; ranks count shown results")
    func groups() throws {
        let plain = try search("sunny beach sand sea", grouping: nil)
        #expect(plain.results.count == 6 && plain.results.allSatisfy { $0.lookAlikes == nil })
        let grouped = try search("sunny beach sand sea", grouping: 0.95)
        let first = try #require(grouped.results.first)
        #expect(first.path == "/photos/burst-1.jpg" || first.path == "/photos/burst-2.jpg", "\(grouped.results.map(\.path))")
        let burst = Set(["/photos/burst-1.jpg", "/photos/burst-2.jpg", "/photos/burst-3.jpg"])
        #expect(Set([first.path] + (first.lookAlikes ?? []).map(\.path)) == burst, "\(String(describing: first.lookAlikes))")
        #expect(first.lookAlikes?.allSatisfy { $0.similarity >= 0.95 && $0.similarity < 1 } == true)
        #expect(first.lookAlikes.map { $0.map(\.similarity) == $0.map(\.similarity).sorted(by: >) } == true, "most alike first")
        #expect(grouped.results.count == 4 && grouped.results.map(\.rank) == [1, 2, 3, 4])
        #expect(Set(grouped.results.dropFirst().map(\.path)) == ["/photos/cliff.jpg", "/photos/forest.jpg", "/photos/scan.jpg"],
                "another beach, a forest and a photo without an embedding stay on their own")

        let one = try search("sunny beach sand sea", grouping: 0.95, limit: 1)
        #expect(one.results.count == 1 && one.results[0].lookAlikes?.count == 2, "look-alikes below the last shown result are still listed")
        var options = SearchOptions(limit: 10, rankers: [.fullText])
        options.lookAlikeSimilarity = 0.95
        let hidden = try #require(first.lookAlikes?.first)
        let standing = try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), options: options)
            .standing(of: hidden.image, for: "sunny beach sand sea")
        #expect(standing.rank != nil, "--why places a look-alike among all results, not hidden under another")
        let loose = try search("sunny beach sand sea", grouping: 0.2)
        #expect(loose.results.count < 4, "a lower similarity groups more")
    }

    @Test("with negation every candidate is judged, so hiding look-alikes never leaves the page short")
    func withNegation() throws {
        // A burst of 25 frames ranked first, 40 other beaches after them, and a forest: negation judges
        // candidates 32 at a time, so stopping after the first 32 would leave 8 results for a page of 16.
        let beach = FakeCLIP.vector(for: "beach sand sea")
        var photos: [(path: String, caption: String, image: [Float])] = (0..<25).map { frame in
            var vector = beach
            vector[3 + frame] += 0.01
            return ("burst-\(frame).jpg", "sunny beach", vector)
        }
        photos += (0..<40).map { day in
            // Two dimensions of its own pair each: no two days alike.
            var vector = [Float](repeating: 0, count: FakeCLIP.dimension)
            vector[1 + day % 31] = 1
            vector[1 + (day / 31 + 5 + day) % 31] += 1
            return ("day-\(day).jpg", "a sunny beach with people walking along the long shore on day \(day)", vector)
        }
        photos.append(("forest.jpg", "a sunny beach beside a forest", FakeCLIP.vector(for: "forest tree")))
        let index = InMemoryIndex(photos.enumerated().map { position, photo in
            let found = FakeKeywords().keywords(in: photo.caption)
            let document = SearchDocument(id: ImageID(position + 1), path: "/photos/\(photo.path)", caption: photo.caption, text: photo.caption,
                                          keywords: found.words, compounds: found.compounds, regions: [])
            return InMemoryIndex.Entry(document: document, image: photo.image, regions: [], text: FakeCLIP.vector(for: photo.caption))
        })
        var options = SearchOptions(limit: 16, rankers: [.fullText])
        options.negation.mode = .strict
        options.lookAlikeSimilarity = 0.95
        let grouped = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), options: options).search("sunny beach but no forest")
        #expect(grouped.results.count == 16, "\(grouped.results.map(\.path))")
        #expect(grouped.results.first?.lookAlikes?.count == 24 && grouped.results.first?.path.contains("burst") == true)
        #expect(!grouped.results.contains { $0.path == "/photos/forest.jpg" })
    }
}
