import Foundation
import GlimpseDescribe
@testable import GlimpseSearch
import Testing

/// Counts the sentences the model is asked to encode.
final class CountingSentences: SentenceEncoding, @unchecked Sendable {
    // Touched by one search at a time.
    private(set) var sentences: [String] = []
    func embed(sentences: [String]) throws -> [[Float]] {
        self.sentences += sentences
        return try FakeSentences().embed(sentences: sentences)
    }
}

@Suite("Recent text embeddings")
struct RecentEmbeddingsTests {
    @Test("a query asked again, its next page or its strict form encodes nothing; a new query encodes only its own texts")
    func repeatedQueries() throws {
        let clip = CountingCLIP(), sentences = CountingSentences()
        let searcher = Searcher(index: Collection.index(), keywords: FakeKeywords(), clip: clip, sentences: sentences)
        let uncached = Collection.searcher()
        let query = "a dog on a sofa but no cartoon"
        let first = try searcher.search(query)
        #expect(first.results == (try uncached.search(query)).results, "the same answer as a searcher without the cache")
        let clipAfterFirst = clip.textRuns.joined().count, sentencesAfterFirst = sentences.sentences.count
        #expect(clipAfterFirst == 3, "query prompt, concept prompt, neutral prompt: \(clip.textRuns)")
        #expect(sentencesAfterFirst == 1)

        var nextPage = searcher.options
        nextPage.limit = 40
        var strict = searcher.options
        strict.negation.mode = .strict
        let again = try searcher.search(query)
        _ = try searcher.search(query, options: nextPage)
        _ = try searcher.search(query, options: strict)
        #expect(again.results == first.results)
        #expect(clip.textRuns.joined().count == clipAfterFirst && sentences.sentences.count == sentencesAfterFirst,
                "nothing encoded again: \(clip.textRuns) \(sentences.sentences)")

        _ = try searcher.search("a red car on a street but no cartoon")
        #expect(clip.textRuns.joined().count == clipAfterFirst + 1, "only the new query's prompt; the concept and neutral prompts are known")
        #expect(sentences.sentences.count == sentencesAfterFirst + 1)
    }

    @Test("holds at most its capacity, dropping the least recently used")
    func capacity() {
        let cache = RecentTextEmbeddings(capacity: 2)
        cache.remember(["a": [1]])
        cache.remember(["b": [2]])
        #expect(cache.vectors(for: ["a"]) == ["a": [1]])  // a is now more recent than b
        cache.remember(["c": [3]])
        #expect(cache.count == 2)
        #expect(cache.vectors(for: ["a", "b", "c"]) == ["a": [1], "c": [3]])
    }

    @Test("the caching sentence encoder answers in the order asked, duplicates included")
    func sentenceOrder() throws {
        let counting = CountingSentences()
        let encoder = CachedSentenceEncoding(base: counting, cache: RecentTextEmbeddings())
        let texts = ["a dog", "a cat", "a dog"]
        #expect(try encoder.embed(sentences: texts) == (try FakeSentences().embed(sentences: texts)))
        #expect(counting.sentences.sorted() == ["a cat", "a dog"])
        #expect(try encoder.embed(sentences: ["a cat"]) == (try FakeSentences().embed(sentences: ["a cat"])))
        #expect(counting.sentences.count == 2)
    }
}
