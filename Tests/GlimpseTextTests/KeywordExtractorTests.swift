import Foundation
import Testing

@testable import GlimpseText

/// Keyword extraction on BLIP-like captions and on queries, with the installed WordNet.
@Suite("Keyword extraction")
struct KeywordExtractorTests {
    /// One line of Fixtures/keyword-captions.jsonl.
    struct Expectation: Decodable {
        var caption: String
        var expectWords: [String]
        var expectCompounds: [String]
        var forbidCompounds: [String]
        var forbidWords: [String]
    }

    static func fixture() throws -> [Expectation] {
        guard let url = Bundle.module.url(forResource: "keyword-captions", withExtension: "jsonl", subdirectory: "Fixtures")
        else { throw TestData.Missing(description: "Fixtures/keyword-captions.jsonl is not in the test bundle") }
        let lines = try Data(contentsOf: url).split(separator: 0x0A).filter { !$0.isEmpty }
        return try lines.map { try JSONDecoder().decode(Expectation.self, from: Data($0)) }
    }

    /// What is wrong with the keywords of `caption`, as lines of a failure message.
    static func problems(_ keywords: Keywords, _ expected: Expectation) -> [String] {
        var problems: [String] = []
        for word in expected.expectWords where !keywords.words.contains(word) { problems.append("missing word \(word)") }
        for word in expected.forbidWords where keywords.words.contains(word) { problems.append("unwanted word \(word)") }
        for compound in expected.expectCompounds where !keywords.compounds.contains(compound) {
            problems.append("missing compound \(compound)")
        }
        for compound in expected.forbidCompounds where keywords.compounds.contains(compound) {
            problems.append("unwanted compound \(compound)")
        }
        return problems
    }

    @Test("the 100+ caption fixture: expected words and compounds, none of the forbidden ones")
    func captionFixture() throws {
        let extractor = try RealLexicon.extractor()
        let expectations = try Self.fixture()
        #expect(expectations.count >= 100)
        for expected in expectations {
            let keywords = extractor.keywords(in: expected.caption)
            let problems = Self.problems(keywords, expected)
            #expect(problems.isEmpty, """
                "\(expected.caption)": \(problems.joined(separator: "; "))
                  words: \(keywords.words.joined(separator: " "))
                  compounds: \(keywords.compounds.joined(separator: " "))
                """)
        }
    }

    @Test("the issue's examples, exactly")
    func issueExamples() throws {
        let extractor = try RealLexicon.extractor()
        let cartoon = extractor.keywords(in:
            "cartoon illustration of a cat and dog lying on a couch cartoon dog with a blue collar and a brown nose")
        let compounds: [String] = ["cartoon-illustration", "cartoon-dog", "blue-collar", "brown-nose"]
        let words: [String] = ["cartoon", "illustration", "cat", "dog", "lie", "couch", "blue", "collar", "brown", "nose"]
        #expect(cartoon.compounds == compounds)
        #expect(cartoon.words == words)
        let knife = extractor.keywords(in: "a close up of a knife on a cutting board with a knife in it")
        #expect(knife.words == ["knife", "cutting", "board"])
        #expect(knife.compounds == ["cutting-board"])
    }

    /// (query, description).
    static let pairs: [(String, String)] = [
        ("blue collars", "a dog with a blue collar"),
        ("blue-collar", "a dog with a blue collar"),
        ("Blue Collar", "araffe dog with a blue collar on a couch"),
        ("cutting boards", "a close up of a knife on a cutting board with a knife in it"),
        ("a cartoon dog", "cartoon illustration of a cat and dog lying on a couch cartoon dog"),
        ("2 cats", "there are two cats sitting on a bed"),
        ("hot dogs", "a hot dog with ketchup and mustard"),
        ("red dresses", "a woman in a red dress holding an umbrella"),
    ]

    @Test("queries meet descriptions: the same compounds whatever the number, hyphen or frame", arguments: pairs)
    func symmetry(query: String, description: String) throws {
        let extractor = try RealLexicon.extractor()
        let q = extractor.keywords(in: query)
        let d = extractor.keywords(in: description)
        #expect(!q.compounds.isEmpty, "\(query) has no compound")
        #expect(Set(q.compounds).isSubset(of: Set(d.compounds)), "\(query): \(q.compounds) vs \(d.compounds)")
        #expect(Set(q.words).isSubset(of: Set(d.words)), "\(query): \(q.words) vs \(d.words)")
    }

    @Test("a sleeping cat meets a cat sleeping: participle modifiers also give their verb")
    func participles() throws {
        let extractor = try RealLexicon.extractor()
        let modifier = extractor.keywords(in: "a sleeping cat")
        #expect(modifier.words == ["sleeping", "sleep", "cat"])
        #expect(modifier.compounds == ["sleeping-cat"])
        let verb = extractor.keywords(in: "a cat sleeping on a couch")
        let verbWords: [String] = ["cat", "sleep", "couch"]
        #expect(verb.words == verbWords)
        #expect(verb.compounds.isEmpty)
        // A collocation is no participle: no "cut" from a cutting board.
        #expect(!extractor.keywords(in: "a cutting board").words.contains("cut"))
    }

    @Test("BLIP's filler is dropped: artefacts, frames, repeats, counting nouns")
    func filler() throws {
        let extractor = try RealLexicon.extractor()
        for caption in ["araffe", "arafed", "there is a picture of", "a close up of", "an image of", "it is a"] {
            #expect(extractor.keywords(in: caption) == Keywords(), "\(caption)")
        }
        #expect(extractor.keywords(in: "arafed arrafed araffes dog").words == ["dog"])
        #expect(extractor.keywords(in: "a dog dog dog").words == ["dog"])
        #expect(extractor.keywords(in: "a dog dog dog").compounds.isEmpty)
        #expect(extractor.keywords(in: "a couple of dogs").words == ["dog"])
        #expect(extractor.keywords(in: "a photo of a dog").words == ["dog"])
        // With a modifier or elsewhere, "photo" is content.
        #expect(extractor.keywords(in: "a vintage photo of a dog").compounds == ["vintage-photo"])
        #expect(extractor.keywords(in: "a dog next to a photo").words == ["dog", "photo"])
    }

    @Test("numbers: digits spelled out, the counted noun as written, no number without a noun")
    func numbers() throws {
        let extractor = try RealLexicon.extractor()
        #expect(extractor.keywords(in: "3 dogs").compounds == ["three-dogs"])
        #expect(extractor.keywords(in: "three dogs").words == ["three", "dog"])
        #expect(extractor.keywords(in: "one cat on a bed").compounds == ["one-cat"])
        #expect(extractor.keywords(in: "two small dogs").compounds.contains("two-dogs"))
        #expect(extractor.keywords(in: "one of the dogs").words == ["dog"])
        #expect(extractor.keywords(in: "a 1950s car").words.contains("car"))
    }

    @Test("keywords are lower-case, unique, in order, and the words of compounds are words")
    func invariants() throws {
        let extractor = try RealLexicon.extractor()
        for expected in try Self.fixture() {
            let keywords = extractor.keywords(in: expected.caption.uppercased())
            #expect(keywords == extractor.keywords(in: expected.caption), "\(expected.caption): case matters")
            #expect(Set(keywords.words).count == keywords.words.count, "\(expected.caption): duplicate words")
            #expect(Set(keywords.compounds).count == keywords.compounds.count, "\(expected.caption): duplicates")
            for compound in keywords.compounds {
                // Some hyphen splits it into two words ("white-t-shirt": white, t-shirt); a number
                // compound keeps its noun as written ("two-cats"), its lemma is a word.
                let splits = compound.indices.filter { compound[$0] == "-" }.map {
                    (String(compound[..<$0]), String(compound[compound.index(after: $0)...]))
                }
                #expect(!splits.isEmpty, "\(compound)")
                let isNumber = splits.contains { FunctionWord.numbers[$0.0] != nil }
                let covered = splits.contains { keywords.words.contains($0.0) && keywords.words.contains($0.1) }
                #expect(isNumber || covered, "\(expected.caption): the parts of \(compound) are not words")
            }
        }
    }

    @Test("odd input: empty, punctuation, unicode, very long")
    func oddInput() throws {
        let extractor = try RealLexicon.extractor()
        #expect(extractor.keywords(in: "") == Keywords())
        #expect(extractor.keywords(in: " .,;!? - ' ") == Keywords())
        #expect(extractor.keywords(in: "a café with a crêpe").words == ["café", "crêpe"])
        #expect(extractor.keywords(in: "a dog. blue collar").compounds == ["blue-collar"])
        #expect(extractor.keywords(in: "a blue, collar").compounds.isEmpty)  // punctuation ends the phrase
        #expect(extractor.keywords(in: "a dog's nose").compounds.isEmpty)
        #expect(extractor.keywords(in: "a man in a t-shirt").words == ["man", "t-shirt"])
        let long = String(repeating: "a dog with a blue collar and ", count: 2_000)
        #expect(extractor.keywords(in: long) == extractor.keywords(in: "a dog with a blue collar"))
    }
}
