import Foundation
import GRDB

/// Query words nothing in the index holds, and what they were probably meant to be (`UnknownWord`).
extension SQLiteIndexStore {
    public func unknownWords(_ words: [String]) throws -> [UnknownWord] {
        var seen = Set<String>()
        let candidates = words.map { $0.lowercased() }.filter { word in
            SuggestionVocabulary.allowance(forLength: word.unicodeScalars.count) > 0 && word.allSatisfy(\.isLetter) && seen.insert(word).inserted
        }
        guard !candidates.isEmpty else { return [] }
        return try read("looking up the query's words") { db in
            let unknown = try candidates.filter { word in
                guard let expression = FullTextExpression(anyOf: [word]) else { return false }
                return try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM descriptionSearch WHERE descriptionSearch MATCH ?)",
                                         arguments: [expression.sql]) ?? false
            }
            guard !unknown.isEmpty else { return [] }
            let vocabulary = try suggestionVocabulary(db)
            return unknown.map { UnknownWord(word: $0, suggestion: vocabulary.suggestion(for: $0)) }
        }
    }

    /// The keywords of the descriptions with their image counts, read once per state of the descriptions.
    private func suggestionVocabulary(_ db: Database) throws -> SuggestionVocabulary {
        let generation = try Self.fullTextGeneration(db)
        if let cached = vocabulary.withLock({ $0 }), cached.generation == generation { return cached.vocabulary }
        // The index on `word` covers this query; compounds are the words with a hyphen.
        let words = try Row.fetchAll(db, sql: "SELECT word, count(*) AS images FROM keyword GROUP BY word")
            .compactMap { row -> (word: String, images: Int)? in
                let word: String = row["word"]
                return word.contains("-") ? nil : (word, row["images"])
            }
        let built = SuggestionVocabulary(words)
        vocabulary.withLock { $0 = (generation, built) }
        return built
    }
}
