import Foundation
import Testing
import GlimpseIndex
@testable import GlimpseSearch

/// Search against the real SQLite store (FTS5): imported descriptions, hostile queries, compounds.
@Suite("Search over the SQLite store")
struct SQLiteSearchTests {
    /// The test collection imported into an in-memory store (text embeddings from the fake encoder).
    static func store() throws -> SQLiteIndexStore {
        let lines = Collection.items.map { item -> String in
            struct Line: Encodable {
                struct Region: Encodable { var caption: String; var box: [Int] }
                var path: String
                var caption: String
                var regions: [Region]
            }
            let line = Line(path: item.path, caption: item.caption,
                            regions: item.regions.enumerated().map { .init(caption: $0.element, box: [10 * $0.offset, 20, 100, 50]) })
            return String(decoding: try! JSONEncoder().encode(line), as: UTF8.self)
        }
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-search-\(UUID().uuidString).jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try SQLiteIndexStore.inMemory()
        let report = try store.importDescriptions(from: url, options: ImportOptions(keywords: FakeKeywords(), sentences: FakeSentences()))
        #expect(report.imported == Collection.items.count)
        return store
    }

    @Test("operators, quotes, column filters, *, ^ and NEAR in a query are plain words to FTS5",
          arguments: FullTextSafetyTests.hostile + ["NOT", "cat NOT", "\"\"\" dog", "dog OR", "(dog", "dog)", "NEAR", "text:"])
    func hostile(query: String) throws {
        let searcher = Searcher(index: try Self.store(), keywords: FakeKeywords())
        do {
            _ = try searcher.search(query)
        } catch let error as SearchError {
            #expect(error == .noUsableTerms(query: query), "\(error)")
        }
    }

    @Test("the expression reaches FTS5 as quoted strings: a column filter finds the word, not the column")
    func columnFilterIsAWord() throws {
        let store = try Self.store()
        let expression = try #require(FullTextExpression(anyOf: FullTextRanker.terms(for: QueryParser(keywords: FakeKeywords()).parse("text: knife"))))
        let matches = try store.fullTextMatches(expression, limit: 10)
        let documents = try store.searchDocuments(matches.map(\.image))
        #expect(documents.map(\.name) == ["kitchen.jpg"])
    }

    @Test("a compound in the query ranks images with that compound first")
    func compounds() throws {
        let searcher = Searcher(index: try Self.store(), keywords: FakeKeywords())
        let response = try searcher.search("cutting board")
        #expect(response.results.first?.name == "kitchen.jpg")
        #expect(response.results.first?.explanation.matchedCompounds == ["cutting-board"])
        let collar = try searcher.search("blue collar")
        #expect(Set(collar.results.prefix(3).map(\.name)) == ["cartoon-pets.jpg", "pets-sofa.jpg", "worker.jpg"])
    }

    @Test("negation over the store: strict drops the cartoon, soft demotes it, and the region box is explained")
    func negation() throws {
        let store = try Self.store()
        var options = SearchOptions()
        options.negation.mode = .strict
        let strict = try Searcher(index: store, keywords: FakeKeywords(), sentences: FakeSentences(), options: options)
            .search("a dog and a cat on a sofa, but no cartoon")
        #expect(strict.results.first?.name == "pets-sofa.jpg")
        #expect(!strict.results.contains { $0.name == "cartoon-pets.jpg" })
        let soft = try Searcher(index: store, keywords: FakeKeywords(), sentences: FakeSentences())
            .search("a dog with a blue collar, no cartoon")
        let first = try #require(soft.results.first)
        #expect(first.name == "pets-sofa.jpg")
        #expect(first.explanation.region?.box.width == 100)
        #expect(soft.results.first { $0.name == "cartoon-pets.jpg" }?.explanation.penalties.isEmpty == false)
    }

    @Test("a query word nothing holds gets a note with the nearest indexed word; known words, short ones and numbers get none")
    func unknownWords() throws {
        let store = try Self.store()
        let searcher = Searcher(index: store, keywords: FakeKeywords())
        let response = try searcher.search("a dgo on a sofaa with a xyzzy knife, but no cartone")
        #expect(response.unknownWords == [UnknownWord(word: "dgo", suggestion: "dog"), UnknownWord(word: "sofaa", suggestion: "sofa"),
                                          UnknownWord(word: "xyzzy", suggestion: nil), UnknownWord(word: "cartone", suggestion: "cartoon")])
        #expect(response.notes.contains(#"No description, tag or file name holds "dgo": did you mean "dog"?"#), "\(response.notes)")
        #expect(response.notes.contains(#"No description, tag or file name holds "xyzzy"."#))
        #expect(response.results.first?.name == "kitchen.jpg", "the known word still finds its image")

        let cue = try searcher.search("a dog wtihout a cartoon")
        #expect(cue.unknownWords == [UnknownWord(word: "wtihout", suggestion: "without")], "a misspelt cue, from the cues")
        let when = try searcher.search("a dog yesturday")
        #expect(when.unknownWords == [UnknownWord(word: "yesturday", suggestion: "yesterday")], "a misspelt date word")
        let known = try searcher.search("dogs on a couch with a knife")
        #expect(known.unknownWords == nil && !known.notes.contains { $0.hasPrefix("No description") })
        let json = String(decoding: try JSONEncoder().encode(known), as: UTF8.self)
        #expect(!json.contains("unknownWords"), "the field appears only when a word is unknown")
        #expect(try store.unknownWords(["Busy", "ox", "r2d2", "houses"]).isEmpty, "inflections, case, short words and numbers")
    }
}

extension SearchResult {
    /// The file name: the store keeps imported paths absolute.
    var name: String { URL(filePath: path).lastPathComponent }
}

extension SearchDocument {
    var name: String { URL(filePath: path).lastPathComponent }

}
