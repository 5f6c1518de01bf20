import Foundation
import Testing

@testable import GlimpseText

/// Morphy-style lemmatisation against a tiny lexicon and the installed WordNet.
@Suite("Lemmatizer")
struct LemmatizerTests {
    @Test("the tiny lexicon: exceptions, rules, the word itself, nothing for unknown words")
    func tinyLexicon() throws {
        try TinyLexicon.withFolder { dir in
            let lemmatizer = Lemmatizer(lexicon: try Lexicon(directory: dir))
            #expect(lemmatizer.lemma(of: "dogs", as: .noun) == "dog")
            #expect(lemmatizer.lemma(of: "Dogs", as: .noun) == "dog")
            #expect(lemmatizer.lemma(of: "dogged", as: .verb) == "dog")  // -ed, doubled consonant
            #expect(lemmatizer.lemma(of: "knives", as: .noun) == "knife")  // exception list
            #expect(lemmatizer.lemma(of: "lying", as: .verb) == "lie")
            #expect(lemmatizer.lemma(of: "lying", as: .noun) == nil)
            #expect(lemmatizer.lemma(of: "sitting", as: .verb) == "sit")  // sitt → sit
            #expect(lemmatizer.lemma(of: "sitting", as: .noun) == "sitting")
            #expect(lemmatizer.lemma(of: "bluer", as: .adjective) == "blue")
            #expect(lemmatizer.lemma(of: "cats", as: .noun) == nil)
            #expect(lemmatizer.lemmas(of: "glasses", as: .noun) == ["glasses", "glass"])
            #expect(lemmatizer.lemmas(of: "glass", as: .noun) == ["glass"])  // "ss" is no plural
            #expect(lemmatizer.lemma(of: "cutting boards", as: .noun) == "cutting_board")
            let best = try #require(lemmatizer.lemma(of: "lying"))
            #expect(best.lemma == "lie")
            #expect(best.partOfSpeech == .verb)
            #expect(lemmatizer.lemma(of: "xyzzy") == nil)
        }
    }

    /// (word, part of speech, lemma).
    static let cases: [(String, PartOfSpeech, String)] = [
        ("dogs", .noun, "dog"), ("knives", .noun, "knife"), ("children", .noun, "child"),
        ("men", .noun, "man"), ("teeth", .noun, "tooth"), ("boxes", .noun, "box"), ("benches", .noun, "bench"),
        ("puppies", .noun, "puppy"), ("leaves", .noun, "leaf"), ("eyes", .noun, "eye"), ("cows", .noun, "cow"),
        ("windows", .noun, "window"), ("shoes", .noun, "shoe"), ("people", .noun, "people"),
        ("species", .noun, "species"), ("glasses", .noun, "glasses"), ("pants", .noun, "pants"),
        ("jeans", .noun, "jeans"), ("lying", .verb, "lie"), ("sitting", .verb, "sit"), ("running", .verb, "run"),
        ("swinging", .verb, "swing"), ("riding", .verb, "ride"), ("holding", .verb, "hold"),
        ("stopped", .verb, "stop"), ("parked", .verb, "park"), ("flies", .verb, "fly"), ("ate", .verb, "eat"),
        ("bigger", .adjective, "big"), ("happiest", .adjective, "happy"), ("larger", .adjective, "large"),
    ]

    @Test("the installed WordNet: the brief's cases and common caption words", arguments: cases)
    func installedWordNet(word: String, pos: PartOfSpeech, lemma: String) throws {
        let lemmatizer = Lemmatizer(lexicon: try RealLexicon.lexicon())
        #expect(lemmatizer.lemma(of: word, as: pos) == lemma, "\(word) as \(pos)")
    }

    @Test("the most likely reading of a word on its own")
    func mostLikely() throws {
        let lemmatizer = Lemmatizer(lexicon: try RealLexicon.lexicon())
        #expect(lemmatizer.lemma(of: "dogs")?.lemma == "dog")
        #expect(lemmatizer.lemma(of: "dogs")?.partOfSpeech == .noun)
        #expect(lemmatizer.lemma(of: "sat")?.lemma == "sit")
        #expect(lemmatizer.lemma(of: "quickly")?.partOfSpeech == .adverb)
        #expect(lemmatizer.lemma(of: "araffe") == nil)
        // glass is the second reading of glasses, the plural of drinking glasses.
        #expect(lemmatizer.lemmas(of: "glasses", as: .noun) == ["glasses", "glass"])
    }
}
