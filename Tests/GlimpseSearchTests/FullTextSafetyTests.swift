import Foundation
import Testing
import GlimpseIndex
@testable import GlimpseSearch

/// User text never reaches FTS5 as syntax: every operator in a query is a plain word.
@Suite("Full-text safety")
struct FullTextSafetyTests {
    let parser = QueryParser(keywords: FakeKeywords())

    /// `"…" OR "…"` with every embedded quote doubled, and nothing else.
    static func isQuotedTermList(_ sql: String) -> Bool {
        sql.range(of: #"^"([^"]|"")*"( OR "([^"]|"")*")*$"#, options: .regularExpression) != nil
    }

    static let hostile = [
        "cat\" OR dog",
        "cat NEAR(dog couch, 2)",
        "cat*",
        "^cat",
        "text: cat",
        "caption:dog keywords:cat",
        "cat AND dog",
        "cat OR dog",
        "{text caption}: cat",
        "\"unbalanced cat",
        "cat + dog",
        "dog's \"blue collar\"",
    ]

    @Test("operators, quotes, column filters, *, ^ and NEAR become quoted plain terms", arguments: hostile)
    func quoted(query: String) throws {
        let parsed = try parser.parse(query)
        let expression = try #require(FullTextExpression(anyOf: parsed.fullTextTerms))
        #expect(Self.isQuotedTermList(expression.sql), "\(expression.sql)")
        for term in parsed.fullTextTerms {
            #expect(!term.contains("\""), "a term keeps a quote: \(term)")
            #expect(term.rangeOfCharacter(from: CharacterSet(charactersIn: "*^:(){}+")) == nil, "operator character in \(term)")
        }
        #expect(InMemoryIndex.terms(of: expression) == parsed.fullTextTerms)
    }

    @Test("AND, OR and NEAR are ordinary (stop) words; text: is the word text")
    func wordsStayWords() throws {
        #expect(try parser.parse("cat AND dog").fullTextTerms == ["cat", "dog"])
        #expect(try parser.parse("cat OR dog").fullTextTerms == ["cat", "dog"])
        #expect(try parser.parse("cat NEAR dog").fullTextTerms == ["cat", "dog"])
        #expect(try parser.parse("text: cat").fullTextTerms == ["text", "cat"])
        #expect(try parser.parse("cat*").fullTextTerms == ["cat"])
        #expect(try parser.parse("^cat").fullTextTerms == ["cat"])
    }

    @Test("NOT is English negation, never an FTS5 operator")
    func notIsNegation() throws {
        let parsed = try parser.parse("cat NOT dog")
        #expect(parsed.fullTextTerms == ["cat"])
        #expect(parsed.negatives.map(\.text) == ["dog"])
    }

    @Test("a term with a doubled quote round-trips through the expression")
    func embeddedQuote() throws {
        let expression = try #require(FullTextExpression(anyOf: ["say \"cheese\"", "dog"]))
        #expect(expression.sql == "\"say \"\"cheese\"\"\" OR \"dog\"")
        #expect(InMemoryIndex.terms(of: expression) == ["say \"cheese\"", "dog"])
    }

    @Test("hostile queries search the in-memory index without error", arguments: hostile)
    func searchable(query: String) throws {
        _ = try Collection.searcher(clip: false, sentences: false).search(query)
    }
}
