import Foundation
import Testing
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Evaluation data")
struct EvaluationDataTests {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-eval-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("queries: one object per line; blank and # lines skipped")
    func queries() throws {
        let url = try write("""
            # two queries
            {"query": "a dog on a sofa, but no cartoon", "relevant": {"pets-sofa.jpg": 2, "x.jpg": 1}}

            {"query": "a knife", "relevant": {"kitchen.jpg": 2}}
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let queries = try EvaluationData.lines(EvaluationQuery.self, from: url)
        #expect(queries.count == 2)
        #expect(queries[0].relevant == ["pets-sofa.jpg": 2, "x.jpg": 1])
    }

    @Test("a malformed line is reported with its number")
    func malformed() throws {
        let url = try write("{\"query\": \"a\", \"relevant\": {}}\n{\"query\": 3}\n")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try EvaluationData.lines(EvaluationQuery.self, from: url)
        } throws: { error in
            guard case let SearchError.invalidLine(_, line, _) = error else { return false }
            return line == 2
        }
    }

    @Test("descriptions become documents with text, keywords, regions and sentence embeddings")
    func descriptions() throws {
        let url = try write("""
            {"path": "a.jpg", "caption": "a dog on a couch", "regions": [{"caption": "a blue collar"}]}
            {"path": "b.jpg", "caption": "a knife on a cutting board"}
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let descriptions = try EvaluationData.lines(EvaluationDescription.self, from: url)
        let index = try EvaluationData.index(descriptions, keywords: FakeKeywords(), sentences: FakeSentences())
        let documents = try index.searchDocuments([1, 2, 3])
        #expect(documents.map(\.path) == ["a.jpg", "b.jpg"])
        #expect(documents[0].text == "a dog on a couch. a blue collar")
        #expect(documents[0].compounds == ["blue-collar"])
        #expect(documents[0].regions.map(\.caption) == ["a blue collar"])
        #expect(documents[1].compounds == ["cutting-board"])
        #expect(try index.embeddingMatrix(.text).rows == 2)
        #expect(try index.embeddingMatrix(.image).rows == 0)
        #expect(try index.describedImageCount() == 2)
    }

    @Test("the evaluator scores a searcher: a perfect query gets 1, per configuration")
    func evaluator() throws {
        let queries = [
            EvaluationQuery(query: "knife on a cutting board", relevant: ["kitchen.jpg": 2]),
            EvaluationQuery(query: "a dog and a cat on a sofa, but no cartoon", relevant: ["pets-sofa.jpg": 2]),
            EvaluationQuery(query: "the of", relevant: ["kitchen.jpg": 1]),
        ]
        let evaluator = Evaluator(searcher: Collection.searcher(), queries: queries)
        let rows = evaluator.run(evaluator.standardConfigurations())
        #expect(rows.map(\.name).prefix(3) == ["fullText", "clip", "sentence"])
        let fused = try #require(rows.first { $0.name == "fused: reciprocal rank, equal weights" })
        #expect(fused.queries == 3)
        #expect(fused.negationQueries == 1)
        #expect(fused.negation.recallAt1 == 1)
        #expect(abs(fused.all.recallAt1 - 2.0 / 3) < 1e-12)
        #expect(fused.failures.count == 1)
        #expect(Evaluator.table(rows).contains("| fused: reciprocal rank, equal weights | 0.667 |"))
    }
}
