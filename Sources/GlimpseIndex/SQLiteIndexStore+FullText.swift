import Foundation
import GlimpseRuntime
import GRDB

/// Full-text search: BM25 from the postings file when it is current, from SQLite's `bm25()` otherwise.
///
/// The postings (`<database>.vectors/fulltext.postings`, see `FullTextPostings`) are built by
/// `prepareFullTextSearch()`, which index and import runs call when they finish; while a run is
/// writing, searches use SQLite's `bm25()` and rank the same way. A file store whose postings are missing
/// or stale while no run holds its lock (a run that was killed, a database copied without its `.vectors`
/// folder) builds them at its first search instead of answering every later one from `bm25()`.
extension SQLiteIndexStore {
    static let postingsFileName = "fulltext.postings"

    /// The FTS5 tokenizer of `descriptionSearch`, as GRDB describes it (see `IndexDatabase.ftsTokenizer`).
    static let tokenizerDescriptor = FTS5TokenizerDescriptor(
        components: ["porter", "unicode61", "remove_diacritics", "2", "tokenchars", "_"])

    public func fullTextMatches(_ expression: FullTextExpression, limit: Int,
                                where include: (@Sendable (ImageID) -> Bool)?) throws -> [FullTextMatch] {
        guard limit > 0 else { return [] }
        if buildsPostingsOnDemand, try read("checking the full-text postings", { try currentPostings($0) }) == nil {
            try? prepareFullTextSearch()  // on failure SQLite's bm25() answers below, as before
        }
        return try read("searching the descriptions") { db in
            if let postings = try currentPostings(db) {
                let tokenizer = try db.makeTokenizer(Self.tokenizerDescriptor)
                let phrases = try expression.terms.map { term in
                    try tokenizer.tokenize(query: term).filter { !$0.flags.contains(.colocated) }.map(\.token)
                }
                return postings.best(phrases: phrases, limit: limit, where: include)
            }
            guard let include else { return try Self.sqliteMatches(expression, limit: limit, db) }
            return Array(try Self.sqliteMatches(expression, limit: -1, db).filter { include($0.image) }.prefix(limit))
        }
    }

    /// Whether a search may build missing or stale postings: a file store in a folder it can write (built
    /// postings are kept for the next process), with no index run holding its lock (a run's every saved
    /// image would make them stale again; the run builds them when it ends).
    private var buildsPostingsOnDemand: Bool {
        guard let lock = runLockURL, let folder = url?.deletingLastPathComponent(),
              FileManager.default.isWritableFile(atPath: folder.path) else { return false }
        return !FileLock.isHeld(lock)
    }

    /// The same ranking through SQLite's `bm25()` (no postings needed); a negative `limit` for every match.
    static func sqliteMatches(_ expression: FullTextExpression, limit: Int, _ db: Database) throws -> [FullTextMatch] {
        try Row.fetchAll(db, sql: """
            SELECT rowid AS id, bm25(descriptionSearch) AS rank FROM descriptionSearch
            WHERE descriptionSearch MATCH ? ORDER BY rank, rowid LIMIT ?
            """, arguments: [expression.sql, limit])
            .map { FullTextMatch(image: $0["id"], score: -($0["rank"] as Double)) }
    }

    /// Builds the full-text postings and the embedding files (fp32 and the int8 copy) now, so that the
    /// first search after an index or import run does not wait for them.
    public func prepareForSearch() throws {
        try prepareFullTextSearch()
        for kind in EmbeddingKind.allCases { _ = try embeddingMatrix(kind, earlierDuringRun: false) }
    }

    /// Builds the full-text postings for the descriptions as they are now and writes them next to the
    /// database (kept in memory for an in-memory store or a read-only folder). Cheap when they are current.
    public func prepareFullTextSearch() throws {
        let built: FullTextPostings? = try read("preparing full-text search") { db in
            if try currentPostings(db) != nil { return nil }
            let generation = try Self.fullTextGeneration(db)
            var builder = FullTextPostingsBuilder()
            let tokenizer = try db.makeTokenizer(Self.tokenizerDescriptor)
            let rows = try Row.fetchCursor(db, sql: "SELECT rowid, text, keywords, compounds, tags FROM descriptionSearch ORDER BY rowid")
            while let row = try rows.next() {
                let columns = try (1...4).map { column in
                    try tokenizer.tokenize(document: row[column] as String? ?? "")
                        .filter { !$0.flags.contains(.colocated) }.map(\.token)
                }
                builder.add(row: row[0], columns: columns)
            }
            return FullTextPostings(bytes: builder.build(generation: generation, databaseID: databaseID))
        }
        guard let built else { return }
        var kept = built
        if let file = vectorsFolder?.appending(path: Self.postingsFileName) {
            do {
                try SidecarFile.replace(file, what: "the full-text postings file") { try $0.write(contentsOf: built.bytes) }
                if let data = try? Data(contentsOf: file, options: .alwaysMapped), let mapped = FullTextPostings(bytes: data) {
                    kept = mapped
                }
            } catch {
                // A read-only folder: serve the postings from memory.
            }
        }
        postings.withLock { $0 = kept }
    }

    /// The postings when they reflect `db`'s descriptions: cached, or mapped from the file.
    func currentPostings(_ db: Database) throws -> FullTextPostings? {
        let generation = try Self.fullTextGeneration(db)
        let current = { (candidate: FullTextPostings) in candidate.generation == generation && candidate.databaseID == self.databaseID }
        if let cached = postings.withLock({ $0 }), current(cached) { return cached }
        guard let file = vectorsFolder?.appending(path: Self.postingsFileName),
              let data = try? Data(contentsOf: file, options: .alwaysMapped),
              let mapped = FullTextPostings(bytes: data), current(mapped) else { return nil }
        postings.withLock { $0 = mapped }
        return mapped
    }

    static func fullTextGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT generation FROM fullTextGeneration") ?? 0
    }
}
