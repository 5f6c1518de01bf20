import Testing
@testable import GlimpseIndex

@Suite("Full-text expressions")
struct FullTextExpressionTests {
    @Test("every term is a quoted string, embedded quotes doubled")
    func quoting() throws {
        let expression = try #require(FullTextExpression(anyOf: ["cat", "say \"hi\"", "a OR b", "x*", "text: NEAR(a b)"]))
        #expect(expression.sql == #""cat" OR "say ""hi""" OR "a OR b" OR "x*" OR "text: NEAR(a b)""#)
    }

    @Test("blank terms are dropped; nothing left is nil")
    func blanks() {
        #expect(FullTextExpression(anyOf: ["  ", ""]) == nil)
        #expect(FullTextExpression(anyOf: [" dog "])?.sql == "\"dog\"")
    }
}
