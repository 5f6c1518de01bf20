import Foundation
import Testing

@testable import GlimpseText

/// The WordNet index and exception reader: a tiny lexicon in a temporary folder, its errors, and
/// facts of the installed WordNet 3.0.
@Suite("Lexicon")
struct LexiconTests {
    @Test("a tiny lexicon: parts of speech, sense counts, collocations, header lines skipped")
    func tinyLexicon() throws {
        try TinyLexicon.withFolder { dir in
            let lexicon = try Lexicon(directory: dir)
            #expect(lexicon.count == 11)  // dog counts once for noun and verb
            let dog = try #require(lexicon.entry(for: "dog"))
            #expect(dog.senseCount(.noun) == 7)
            #expect(dog.taggedSenseCount(.noun) == 1)
            #expect(dog.senseCount(.verb) == 1)
            #expect(dog.taggedSenseCount(.verb) == 1)
            #expect(!dog.has(.adjective))
            #expect(!dog.has(.adverb))
            #expect(dog.partsOfSpeech == [.noun, .verb])  // same tagged count: more senses first
            #expect(lexicon.partsOfSpeech(of: "Dog") == [.noun, .verb])
            #expect(lexicon.contains("cutting board", as: .noun))
            #expect(lexicon.contains("cutting_board"))
            #expect(!lexicon.contains("cutting board", as: .verb))
            #expect(lexicon.contains("blue-collar", as: .adjective))
            #expect(lexicon.entry(for: "lie")?.mostLikelyPartOfSpeech == .verb)
            #expect(lexicon.contains("quickly", as: .adverb))
            #expect(lexicon.entry(for: "dogs") == nil)
            #expect(lexicon.entry(for: "") == nil)
            #expect(lexicon.entry(for: "1") == nil)  // the header line is no entry
            #expect(lexicon.exceptions(of: "knives", as: .noun) == ["knife"])
            #expect(lexicon.exceptions(of: "knives", as: .verb) == [])
            #expect(lexicon.exceptions(of: "lying", as: .verb) == ["lie"])
        }
    }

    @Test("missing files: lexiconNotFound naming the file, wordnet-base and scripts/bootstrap")
    func missingFiles() throws {
        for name in ["index.noun", "index.adv", "verb.exc", "adv.exc"] {
            try TinyLexicon.withFolder(replacing: [name: nil]) { dir in
                let url = dir.appendingPathComponent(name)
                #expect(throws: TextError.lexiconNotFound(url), "\(name)") { try Lexicon(directory: dir) }
            }
        }
        let nowhere = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        #expect(throws: TextError.lexiconNotFound(nowhere.appendingPathComponent("index.noun"))) {
            try Lexicon(directory: nowhere)
        }
        let message = TextError.lexiconNotFound(nowhere).errorDescription ?? ""
        #expect(message.contains("wordnet-base"))
        #expect(message.contains("scripts/bootstrap"))
        #expect(message.contains(nowhere.path))
    }

    @Test("malformed index and exception lines: malformedLexicon with file and line")
    func malformedLines() throws {
        let cases: [(file: String, text: String, line: Int)] = [
            ("index.noun", "dog n seven 0 7 1 00000001\n", 1),  // synset_cnt not a number
            ("index.noun", "  header\ndog v 1 0 1 1 00000001\n", 2),  // wrong part of speech
            ("index.noun", "dog n 2 0 2 1 00000001\n", 1),  // fewer offsets than synset_cnt
            ("index.noun", "dog n 1 0 1 1 00000001 00000002\n", 1),  // more offsets
            ("index.noun", "dog n 1 2 @ 1 1 00000001\n", 1),  // p_cnt says two pointers
            ("index.noun", "cat n 1 0 1 1 00000001\ndog n 1 0 2 1 00000001\n", 2),  // sense_cnt differs
            ("index.noun", "dog n 1 0 1 3 00000001\n", 1),  // more tagged senses than senses
            ("index.noun", "dog n 1 0 1 1 0000x001\n", 1),  // offset not a number
            ("index.noun", "dog n 0 0 0 0\n", 1),  // no senses
            ("index.verb", "dog\n", 1),  // a lemma alone
            ("index.adj", "  only a header\n", 1),  // no entries at all
            ("index.adv", "", 1),  // empty
            ("noun.exc", "knives knife\nmice\n", 2),  // no base form
        ]
        for (file, text, line) in cases {
            try TinyLexicon.withFolder(replacing: [file: text]) { dir in
                let error = #expect(throws: TextError.self, "\(file): \(escaped(text))") { try Lexicon(directory: dir) }
                guard case .malformedLexicon(let url, let got, _)? = error else {
                    Issue.record("\(file): \(escaped(text)): expected malformedLexicon, got \(String(describing: error))")
                    return
                }
                #expect(url.lastPathComponent == file && got == line, "\(file): \(escaped(text))")
            }
        }
        let message = TextError.malformedLexicon(URL(fileURLWithPath: "/x/index.noun"), line: 3, reason: "r")
            .errorDescription ?? ""
        #expect(message.contains("/x/index.noun"))
        #expect(message.contains("line 3"))
        #expect(message.contains("wordnet-base"))
    }

    @Test("the installed WordNet: sizes, collocations and likely parts of speech")
    func installedWordNet() throws {
        let lexicon = try RealLexicon.lexicon()
        #expect(lexicon.count > 140_000)
        #expect(lexicon.contains("cutting_board", as: .noun))
        #expect(lexicon.contains("fire hydrant", as: .noun))
        #expect(lexicon.contains("blue-collar", as: .adjective))
        #expect(lexicon.partsOfSpeech(of: "dog").first == .noun)
        #expect(lexicon.partsOfSpeech(of: "blue").first == .adjective)
        #expect(lexicon.partsOfSpeech(of: "quickly") == [.adverb])
        #expect(lexicon.contains("cartoon", as: .noun))
        #expect(!lexicon.contains("cartoon", as: .adjective))
        #expect(lexicon.exceptions(of: "children", as: .noun) == ["child"])
        #expect(!lexicon.contains("araffe"))
    }

    @Test("loading the installed WordNet takes well under a second")
    func loadTime() throws {
        _ = try RealLexicon.lexicon()  // fails with the install hint when WordNet is missing
        let clock = ContinuousClock()
        let elapsed = try clock.measure { _ = try Lexicon() }
        // A release build loads in about 60 ms of CPU time; the bound is loose for debug builds on a
        // busy machine.
        #expect(elapsed < .seconds(3), "loading took \(elapsed)")
    }
}
