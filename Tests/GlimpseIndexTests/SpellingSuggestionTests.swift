import Foundation
import Testing
@testable import GlimpseIndex

/// `SuggestionVocabulary`: the word a misspelt query word was probably meant to be.
@Suite("spelling suggestions")
struct SpellingSuggestionTests {
    static func edits(_ a: String, _ b: String, limit: Int = 3) -> Int? {
        SuggestionVocabulary.edits(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit)
    }

    @Test("edits: insertions, deletions, substitutions and swaps of neighbours count one each; beyond the limit, none")
    func distances() {
        #expect(Self.edits("dgo", "dog") == 1, "a swap of neighbours is one edit")
        #expect(Self.edits("bech", "beach") == 1 && Self.edits("beachh", "beach") == 1 && Self.edits("beech", "beach") == 1)
        #expect(Self.edits("kitten", "sitting") == 3 && Self.edits("kitten", "sitting", limit: 2) == nil)
        #expect(Self.edits("", "abc") == 3 && Self.edits("abc", "") == 3 && Self.edits("same", "same") == 0)
        #expect(Self.edits("ca", "abc") == 3, "optimal string alignment: a swapped pair is not edited again (true Damerau–Levenshtein says 2)")
        #expect(Self.edits("café", "cafe") == 1, "by Unicode scalars")
    }

    @Test("the nearest word wins, then the one in most images, then the first alphabetically; short words get no guess")
    func suggestions() {
        let vocabulary = SuggestionVocabulary([("dog", 40), ("dot", 2), ("beach", 12), ("bench", 30), ("peach", 3),
                                               ("bicycle", 5), ("mountain", 9), ("ox", 1)])
        #expect(vocabulary.suggestion(for: "dgo") == "dog")
        #expect(vocabulary.suggestion(for: "doq") == "dog", "dog and dot are one edit away: dog is in more images")
        #expect(vocabulary.suggestion(for: "beach") == "bench", "an exact word is not suggested to itself (bench: one edit, most images)")
        #expect(vocabulary.suggestion(for: "beacch") == "beach")
        #expect(vocabulary.suggestion(for: "bicylce") == "bicycle" && vocabulary.suggestion(for: "montain") == "mountain")
        #expect(vocabulary.suggestion(for: "ox") == nil && vocabulary.suggestion(for: "oz") == nil, "two letters: no guess")
        #expect(vocabulary.suggestion(for: "cat") == nil && vocabulary.suggestion(for: "xyzzy") == nil)
        #expect(vocabulary.suggestion(for: "bxxch") == "bench", "two edits are allowed from five letters on; beach ties, bench is in more images")
        #expect(vocabulary.suggestion(for: "bzzzz") == nil && vocabulary.suggestion(for: "dxx") == nil, "one edit only up to four letters")
        #expect(SuggestionVocabulary([("aa", 1), ("ab", 5)]).suggestion(for: "abc") == "ab")
        #expect(SuggestionVocabulary([("ab", 1), ("ac", 1)]).suggestion(for: "abd") == "ab", "ties go alphabetically")
    }

    @Test("the store's words: description keywords, tagged people and keywords, place names; words it holds are not unknown")
    func storeVocabulary() throws {
        let lines = [
            #"{"path": "/p/a.jpg", "caption": "a dog on a sofa", "keywords": ["dog", "sofa"], "tags": {"people": ["Anna Karenina"], "keywords": ["Holidays"]}}"#,
            #"{"path": "/p/b.jpg", "caption": "a mountain lake", "tags": {"place": ["Lisbon"]}}"#,
        ]
        let store = try SQLiteIndexStore.inMemory()
        #expect(try store.importDescriptions(jsonLines: Data(lines.joined(separator: "\n").utf8)).imported == 2)
        let unknown = try store.unknownWords(["dgo", "karenena", "Holidyas", "lisbn", "sofa", "anna", "lakes", "xyzzy", "ox", "r2d2"])
        #expect(unknown == [UnknownWord(word: "dgo", suggestion: "dog"), UnknownWord(word: "karenena", suggestion: "karenina"),
                            UnknownWord(word: "holidyas", suggestion: "holidays"), UnknownWord(word: "lisbn", suggestion: "lisbon"),
                            UnknownWord(word: "xyzzy", suggestion: nil)], "\(unknown)")
        // Tags that are not JSON (a damaged row) are passed over, not a failed search.
        try store.write("") { db in
            try db.execute(sql: "UPDATE image SET tags = '{not json' WHERE path = '/p/b.jpg'; UPDATE fullTextGeneration SET generation = generation + 1")
        }
        #expect(try store.unknownWords(["karenena"]) == [UnknownWord(word: "karenena", suggestion: "karenina")])
    }
}
