import Foundation
import Testing
import GlimpseDescribe
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Searcher")
struct SearcherTests {
    @Test("the dog-and-cat query with 'but no cartoon' puts the real photo first and demotes the cartoon (soft)")
    func softNegation() throws {
        let response = try Collection.searcher().search("a dog and a cat on a sofa, but no cartoon")
        #expect(response.results.first?.path == "pets-sofa.jpg")
        let cartoon = try #require(response.results.first { $0.path == "cartoon-pets.jpg" })
        let penalty = try #require(cartoon.explanation.penalties.first)
        #expect(penalty.concept == "cartoon")
        #expect(penalty.evidence == .description(matched: ["cartoon"]))
        #expect(penalty.factor == 0.2)
        #expect(abs(cartoon.score - cartoon.explanation.fusedScore * 0.2) < 1e-12)
        #expect(response.query.negatives.map(\.text) == ["cartoon"])
        #expect(response.excluded == 0)
    }

    @Test("strict negation excludes the image and counts it")
    func strictNegation() throws {
        var options = SearchOptions()
        options.negation.mode = .strict
        let response = try Collection.searcher(options: options).search("a dog and a cat on a sofa, but no cartoon")
        #expect(!response.results.contains { $0.path == "cartoon-pets.jpg" })
        #expect(response.excluded == 1)
        #expect(response.results.first?.path == "pets-sofa.jpg")
    }

    @Test("without negation the cartoon (which says dog, cat and couch) ranks first: negation is what moves it")
    func negationOff() throws {
        var options = SearchOptions()
        options.negation.mode = .off
        let response = try Collection.searcher(options: options).search("cartoon dog and cat on a couch")
        #expect(response.results.first?.path == "cartoon-pets.jpg")
    }

    @Test("'without people' matches the group: a man in the description counts as people")
    func conceptGroups() throws {
        var options = SearchOptions()
        options.negation.mode = .strict
        let response = try Collection.searcher(options: options).search("a street or a car, without people")
        let paths = response.results.map(\.path)
        #expect(!paths.contains("street-people.jpg"))
        #expect(!paths.contains("worker.jpg"))
        #expect(paths.contains("street-empty.jpg"))
    }

    @Test("CLIP's zero-shot contrast catches a concept the description does not mention")
    func clipNegation() throws {
        let document = SearchDocument(id: 1, path: "drawn.jpg", caption: "a dog on a sofa", text: "a dog on a sofa",
                                      keywords: ["dog", "sofa"], compounds: [], regions: [])
        let photo = SearchDocument(id: 2, path: "photo.jpg", caption: "a dog on a sofa", text: "a dog on a sofa",
                                   keywords: ["dog", "sofa"], compounds: [], regions: [])
        let index = InMemoryIndex([
            InMemoryIndex.Entry(document: document, image: FakeCLIP.vector(for: "cartoon dog sofa")),
            InMemoryIndex.Entry(document: photo, image: FakeCLIP.vector(for: "dog sofa")),
        ])
        let searcher = Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP())
        let response = try searcher.search("a dog on a sofa, no cartoon")
        #expect(response.results.map(\.path) == ["photo.jpg", "drawn.jpg"])
        guard case let .clip(probability)? = response.results.last?.explanation.penalties.first?.evidence else {
            Issue.record("expected a CLIP penalty"); return
        }
        #expect(probability > 0.99)
        var options = SearchOptions()
        options.negation.clipThreshold = 1.01  // never reached: CLIP says nothing
        #expect(try searcher.search("a dog on a sofa, no cartoon", options: options).results.allSatisfy { $0.explanation.penalties.isEmpty })
        options.negation = NegationOptions(useCLIP: false)
        #expect(try searcher.search("a dog on a sofa, no cartoon", options: options).results.allSatisfy { $0.explanation.penalties.isEmpty })
    }

    @Test("explanations: matched terms and compounds, the CLIP region with its box, each ranker's rank")
    func explanation() throws {
        let response = try Collection.searcher().search("a dog with a blue collar")
        let result = try #require(response.results.first { $0.path == "pets-sofa.jpg" })
        let explanation = result.explanation
        #expect(explanation.matchedCompounds == ["blue-collar"])
        #expect(explanation.matchedTerms.contains("dog") && explanation.matchedTerms.contains("collar"))
        let region = try #require(explanation.region)
        #expect(region.source == .clip)
        #expect(region.caption == "a dog with a blue collar")
        #expect(region.box == PixelBox(x: 0, y: 20, width: 100, height: 50))
        #expect(explanation.rankers.map(\.ranker) == [.fullText, .clip, .sentence])
        #expect(explanation.rankers.allSatisfy { $0.rank >= 1 })
        #expect(explanation.summary.contains("compounds blue-collar"))
        #expect(response.rankers == [.fullText, .clip, .sentence])
    }

    @Test("without region embeddings the region comes from the caption holding the query's words")
    func captionRegion() throws {
        let searcher = Searcher(index: Collection.index(clipRegions: false), keywords: FakeKeywords())
        let result = try #require(try searcher.search("knife on a cutting board").results.first)
        #expect(result.path == "kitchen.jpg")
        #expect(result.explanation.region?.source == .caption)
        #expect(result.explanation.region?.index == 0)
    }

    @Test("without models the full-text ranker alone answers, and the response says so")
    func fullTextOnly() throws {
        let response = try Collection.searcher(clip: false, sentences: false).search("knife on a cutting board")
        #expect(response.rankers == [.fullText])
        #expect(response.notes.count == 2)
        #expect(response.results.first?.path == "kitchen.jpg")
        #expect(response.results.first?.explanation.rankers.map(\.ranker) == [.fullText])
    }

    @Test("results are deterministic and numbered; limit is honoured")
    func deterministic() throws {
        var options = SearchOptions()
        options.limit = 3
        let searcher = Collection.searcher(options: options)
        let first = try searcher.search("a car on a street at night")
        let second = try searcher.search("a car on a street at night")
        #expect(first.results == second.results && first.query == second.query)  // the timings differ, of course
        #expect(first.timings.total > 0 && first.timings.total >= first.timings.rankers.values.reduce(0, +))
        #expect(first.results.count == 3)
        #expect(first.results.map(\.rank) == [1, 2, 3])
        #expect(first.results.first?.path == "street-people.jpg")
    }

    @Test("in JSON each ranker's time is keyed by its name, and the response decodes again")
    func timingsJSON() throws {
        let response = try Collection.searcher().search("a car on a street at night")
        let data = try JSONEncoder().encode(response)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let timings = try #require(object["timings"] as? [String: Any])
        let rankers = try #require(timings["rankers"] as? [String: Double], "an object, not an array of pairs: \(timings)")
        #expect(Set(rankers.keys) == Set(response.rankers.map(\.rawValue)))
        let decoded = try JSONDecoder().decode(SearchResponse.self, from: data)
        #expect(decoded.results == response.results && decoded.timings.rankers == response.timings.rankers)
    }

    @Test("asking only for rankers the searcher lacks is an error with advice")
    func noRanker() {
        var options = SearchOptions()
        options.rankers = [.clip]
        #expect(throws: SearchError.noRankerAvailable) {
            try Collection.searcher(clip: false, sentences: false).search("a dog", options: options)
        }
    }
}
