import Testing
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Negation judges candidates best first")
struct LazyNegationTests {
    /// 300 images, most of them dogs on sofas, a third of them cartoons.
    static func searcher(mode: NegationMode, limit: Int) -> Searcher {
        let words = ["dog", "cat", "sofa", "couch", "street", "car", "blue", "collar", "kitchen", "knife"]
        var random = SplitMix(state: 5)
        let keywords = FakeKeywords()
        let entries = (0..<300).map { position -> InMemoryIndex.Entry in
            var picked = (0..<(2 + Int(random.next() % 5))).map { _ in words[Int(random.next() % UInt64(words.count))] }
            if random.next() % 3 == 0 { picked.append("cartoon") }
            let text = "a " + picked.joined(separator: " and a ")
            let found = keywords.keywords(in: text)
            let document = SearchDocument(id: ImageID(position + 1), path: "\(position).jpg", caption: text, text: text,
                                          keywords: found.words, compounds: found.compounds, regions: [])
            return InMemoryIndex.Entry(document: document, image: FakeCLIP.vector(for: picked.joined(separator: " ")),
                                       text: FakeCLIP.vector(for: text))
        }
        var options = SearchOptions(limit: limit, candidates: 400)
        options.negation.mode = mode
        return Searcher(index: InMemoryIndex(entries), keywords: keywords, clip: FakeCLIP(), sentences: FakeSentences(),
                        options: options)
    }

    @Test("the top results equal those of judging every candidate, soft and strict", arguments: [NegationMode.soft, .strict])
    func sameAsExhaustive(mode: NegationMode) throws {
        let query = "a dog on a sofa but no cartoon"
        let everything = try Self.searcher(mode: mode, limit: 400).search(query).results
        #expect(everything.count > 100)
        for limit in [1, 3, 10, 25] {
            let top = try Self.searcher(mode: mode, limit: limit).search(query).results
            #expect(top.map(\.path) == everything.prefix(limit).map(\.path), "limit \(limit)")
            #expect(top.map(\.score) == everything.prefix(limit).map(\.score), "limit \(limit)")
            #expect(top.map(\.explanation.penalties) == everything.prefix(limit).map(\.explanation.penalties), "limit \(limit)")
        }
    }
}

/// A small seeded generator (SplitMix64), so that random collections repeat.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FakeCLIP that counts its text-tower runs.
final class CountingCLIP: ImageTextEmbedding, @unchecked Sendable {
    // Touched by one search at a time.
    private(set) var textRuns: [[String]] = []
    let base = FakeCLIP()
    var logitScale: Float { base.logitScale }
    func embed(images: [RGBImage]) throws -> [[Float]] { try base.embed(images: images) }
    func embed(texts: [String]) throws -> [[Float]] {
        textRuns.append(texts)
        return try base.embed(texts: texts)
    }
}

@Suite("CLIP's text tower runs once per search")
struct CLIPTextBatchTests {
    @Test("the query's prompt, the negated concepts' prompts and the neutral one go in one batch")
    func oneBatch() throws {
        let counting = CountingCLIP()
        let batched = try Searcher(index: Collection.index(), keywords: FakeKeywords(), clip: counting, sentences: FakeSentences())
            .search("a dog and a cat on a sofa, but no cartoon")
        #expect(counting.textRuns == [["a photo of a dog and a cat on a sofa", "a photo of cartoon", "a photo"]])
        #expect(batched.timings.clipText > 0)
        #expect(batched.results.first?.path == "pets-sofa.jpg")
    }

    @Test("a prompt is encoded once per searcher; later searches reuse it, a new neutral prompt is encoded")
    func promptsOnce() throws {
        let counting = CountingCLIP()
        let searcher = Searcher(index: Collection.index(), keywords: FakeKeywords(), clip: counting, sentences: FakeSentences())
        let first = try searcher.search("a dog and a cat on a sofa, but no cartoon")
        let second = try searcher.search("a dog and a cat on a sofa, but no cartoon")
        let other = try searcher.search("a dog without people")
        #expect(counting.textRuns == [["a photo of a dog and a cat on a sofa", "a photo of cartoon", "a photo"],
                                      ["a photo of a dog", "a photo of people"]])
        #expect(second.results.map(\.path) == first.results.map(\.path))
        #expect(second.results.map(\.score) == first.results.map(\.score))
        #expect(second.results.map(\.explanation.penalties) == first.results.map(\.explanation.penalties))
        #expect(!other.results.isEmpty)
        var options = searcher.options
        options.negation.clipNeutralPrompt = "a picture"
        _ = try searcher.search("a dog but no cartoon", options: options)
        #expect(counting.textRuns.last == ["a picture"])
    }
}
