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

    /// The words suggestions come from, with the images that hold each: the keywords of the descriptions, the
    /// words of the people and keywords photo managers tagged, and the names of the places photos were taken
    /// at. Read once per state of the full-text index (tags and place names change it too).
    private func suggestionVocabulary(_ db: Database) throws -> SuggestionVocabulary {
        let generation = try Self.fullTextGeneration(db)
        if let cached = vocabulary.withLock({ $0 }), cached.generation == generation { return cached.vocabulary }
        var images: [String: Int] = [:]
        // The index on `word` covers this query; compounds are the words with a hyphen.
        for row in try Row.fetchAll(db, sql: "SELECT word, count(*) AS images FROM keyword GROUP BY word") {
            let word: String = row["word"]
            if !word.contains("-") { images[word, default: 0] += row["images"] as Int }
        }
        // Tagged names and keywords, and place names, are whole entries ("Anna Karenina", "sao paulo"): their words
        // count. Tags that are not JSON (a damaged row) are passed over.
        let entries = try Row.fetchAll(db, sql: """
            SELECT lower(value) AS entry, count(*) AS images
                FROM (SELECT tags FROM image WHERE json_valid(tags)) AS tagged, json_each(tagged.tags, '$.people') GROUP BY entry
            UNION ALL
            SELECT lower(value), count(*) FROM (SELECT tags FROM image WHERE json_valid(tags)) AS tagged, json_each(tagged.tags, '$.keywords')
                GROUP BY 1
            UNION ALL
            SELECT name, count(*) FROM placeName GROUP BY name
            """)
        for row in entries {
            let entry = (row[0] as String).lowercased()
            for word in Set(entry.split { !$0.isLetter }.map(String.init)) { images[word, default: 0] += row[1] as Int }
        }
        let built = SuggestionVocabulary(images.map { (word: $0.key, images: $0.value) })
        vocabulary.withLock { $0 = (generation, built) }
        return built
    }
}
