import Foundation
import Testing
import GlimpseIndex
@testable import GlimpseSearch

/// `Searcher.standing(of:for:options:)`: where one image stands for a query, and why.
@Suite("an image's standing for a query")
struct ImageStandingTests {
    static let query = "a dog and a cat on a sofa, but no cartoon"

    @Test("an image in the answer: the same rank, scores and penalties as the search's own result")
    func inTheAnswer() throws {
        let searcher = Collection.searcher()
        var options = searcher.options
        options.limit = options.candidates
        let response = try searcher.search(Self.query, options: options)
        for result in response.results {
            let standing = try searcher.standing(of: result.image, for: Self.query)
            #expect(standing.rank == result.rank && standing.path == result.path && standing.inScope && !standing.excluded)
            #expect(standing.explanation == result.explanation)
            for contribution in result.explanation.rankers {
                let ranker = try #require(standing.rankers.first { $0.ranker == contribution.ranker })
                #expect(ranker.rank == contribution.rank)
                #expect(abs((ranker.score ?? .nan) - contribution.score) < 1e-9, "each ranker's own look agrees with its list")
            }
        }
        let cartoon = try searcher.standing(of: 1, for: Self.query)
        #expect(cartoon.explanation.penalties.map(\.concept) == ["cartoon"] && cartoon.rank != nil)
    }

    @Test("strict negation: left out, with the penalty that did it")
    func excluded() throws {
        var options = SearchOptions()
        options.negation.mode = .strict
        let standing = try Collection.searcher(options: options).standing(of: 1, for: Self.query)
        #expect(standing.rank == nil && standing.excluded)
        #expect(standing.explanation.penalties.first?.evidence == .description(matched: ["cartoon"]))
    }

    @Test("beyond the lists: each ranker's own score, what it had to beat, and the words the description lacks")
    func beyondReach() throws {
        var options = SearchOptions()
        options.candidates = 2
        options.limit = 2
        let searcher = Collection.searcher(options: options)
        let standing = try searcher.standing(of: 3, for: "a dog on a sofa")  // the knife on a cutting board
        #expect(standing.rank == nil && standing.reach == 2 && !standing.excluded)
        let fullText = try #require(standing.rankers.first { $0.ranker == .fullText })
        #expect(fullText.score == nil && fullText.rank == nil, "no query word is in its description")
        let clip = try #require(standing.rankers.first { $0.ranker == .clip })
        let score = try #require(clip.score)
        let cutoff = try #require(clip.cutoff)
        #expect(clip.rank == nil && score < cutoff)
        #expect(Set(standing.missingTerms) == ["dog", "sofa"] && standing.explanation.matchedTerms.isEmpty)
    }

    @Test("an image outside the folders searched, and one the index does not hold")
    func outOfScope() throws {
        var options = SearchOptions()
        options.folders = ["/elsewhere"]
        #expect(try !Collection.searcher(options: options).standing(of: 2, for: Self.query).inScope)
        #expect(throws: SearchError.unknownImage(99)) { try Collection.searcher().standing(of: 99, for: Self.query) }
    }
}
