import Testing
@testable import GlimpseSearch

@Suite("Query parser")
struct QueryParserTests {
    let parser = QueryParser(keywords: FakeKeywords())

    @Test("positive terms are lemmatised and stop words dropped")
    func terms() throws {
        let query = try parser.parse("two dogs lying on a sofa")
        #expect(query.terms == ["two", "dog", "lying", "sofa"])
        #expect(query.surfaceWords.contains("dogs"))
        #expect(query.negatives.isEmpty)
        #expect(query.positiveText == "two dogs lying on a sofa")
    }

    @Test("compounds are formed by the same extractor as at indexing")
    func compounds() throws {
        let query = try parser.parse("a man with a blue collar next to a cutting board")
        #expect(query.compounds == ["blue-collar", "cutting-board"])
        #expect(query.fullTextTerms.prefix(2) == ["blue-collar", "cutting-board"])
    }

    @Test("quoted phrases stay together; curly quotes too; an unmatched quote is ignored")
    func phrases() throws {
        #expect(try parser.parse("knife \"cutting board\"").phrases == ["cutting board"])
        #expect(try parser.parse("a \u{201C}red car\u{201D} at night").phrases == ["red car"])
        let unmatched = try parser.parse("a \"red car at night")
        #expect(unmatched.phrases.isEmpty)
        #expect(unmatched.terms == ["red", "car", "night"])
    }

    @Test("negation in plain English", arguments: [
        ("a dog and a cat on a sofa, but no cartoon", "cartoon", "a dog and a cat on a sofa", "but no"),
        ("a street without people", "people", "a street", "without"),
        ("a city street not at night", "night", "a city street", "not"),
        ("a poster, no text", "text", "a poster", "no"),
        ("a parking lot excluding cars", "cars", "a parking lot", "excluding"),
        ("cats on a bed with no cartoons", "cartoons", "cats on a bed", "with no"),
        ("a dog on a couch -cartoon", "cartoon", "a dog on a couch", "-"),
        ("a dog that isn't a cartoon", "cartoon", "a dog", "isn't"),
        ("a non-cartoon dog", "cartoon", "a dog", "non-"),
    ])
    func negation(query: String, concept: String, positive: String, cue: String) throws {
        let parsed = try parser.parse(query)
        #expect(parsed.negatives.map(\.text) == [concept])
        #expect(parsed.negatives.first?.cue == cue)
        #expect(parsed.positiveText == positive)
        let lemma = FakeKeywords.lemma(concept)
        #expect(!parsed.terms.contains(lemma), "a negated word must not be a positive term")
        #expect(!parsed.fullTextTerms.contains(concept))
    }

    @Test("negated concepts are lemmatised; compounds in them are kept")
    func negatedKeywords() throws {
        let parsed = try parser.parse("a street, but no red cars")
        #expect(parsed.negatives.first?.words == ["red", "car"])
        #expect(parsed.negatives.first?.compounds == ["red-car"])
    }

    @Test("'or' inside a negated clause gives two concepts; 'and' ends the clause")
    func scope() throws {
        let two = try parser.parse("a beach without people or umbrellas")
        #expect(two.negatives.map(\.text) == ["people", "umbrellas"])
        let ended = try parser.parse("a cat with no collar and a dog on a sofa")
        #expect(ended.negatives.map(\.text) == ["collar"])
        #expect(ended.terms.contains("dog") && ended.terms.contains("sofa"))
        #expect(!ended.terms.contains("collar"))
    }

    @Test("a negated quoted phrase: -\"…\"")
    func negatedPhrase() throws {
        let parsed = try parser.parse("a kitchen -\"cutting board\"")
        #expect(parsed.negatives.map(\.text) == ["cutting board"])
        #expect(parsed.negatives.first?.compounds == ["cutting-board"])
        #expect(parsed.phrases.isEmpty)
    }

    @Test("clause boundaries stay in the positive text, so no compound forms across them")
    func boundaries() throws {
        let parsed = try parser.parse("a red, car on a street; -cartoon")
        #expect(parsed.positiveText == "a red, car on a street")
        #expect(!parsed.compounds.contains("red-car"))
        #expect(try parser.parse("a red car").compounds == ["red-car"])
    }

    @Test("'not only' is not negation")
    func notOnly() throws {
        let parsed = try parser.parse("not only a dog but also a cat")
        #expect(parsed.negatives.isEmpty)
        #expect(parsed.terms.contains("dog"))
    }

    @Test("a hyphen inside a word is part of it")
    func hyphenInWord() throws {
        let parsed = try parser.parse("a blue-collar worker")
        #expect(parsed.negatives.isEmpty)
        #expect(parsed.surfaceWords.contains("blue-collar"))
    }

    @Test("over 1,000 characters is refused with a clear error")
    func tooLong() throws {
        let long = String(repeating: "dog ", count: 251)
        #expect(throws: SearchError.queryTooLong(length: 1004, limit: 1000)) { try parser.parse(long) }
        #expect(SearchError.queryTooLong(length: 1004, limit: 1000).errorDescription?.contains("at most 1000") == true)
        _ = try parser.parse(String(repeating: "dog ", count: 250))
    }

    @Test("no usable term is refused", arguments: ["", "   ", "the of a", "no cartoon", "-cartoon", "\"\"", "*** ^^ ()", "a photo of"])
    func noUsableTerms(query: String) {
        #expect(throws: SearchError.noUsableTerms(query: query)) { try parser.parse(query) }
    }

    @Test("summary says what was understood")
    func summary() throws {
        let parsed = try parser.parse("a dog with a blue collar, but no cartoon")
        #expect(parsed.summary == "terms: dog, blue, collar; compounds: blue-collar; not: cartoon")
    }
}
