import Foundation
import GRDB

/// Table `attempt`: the files an index run is decoding or describing, each committed before the work
/// starts and deleted when its outcome is saved. What is left there was in the hands of a run that ended
/// without finishing it — killed, or crashed by that very file (`Indexer`).
extension SQLiteIndexStore {
    public func beginAttempt(at path: String) throws {
        try write("recording the start of work on \(path)") { db in
            try db.cachedStatement(sql: """
                INSERT INTO attempt (path, runs, startedAt) VALUES (?, 1, ?)
                ON CONFLICT (path) DO UPDATE SET runs = runs + 1, startedAt = excluded.startedAt
                """).execute(arguments: [path, Date().timeIntervalSince1970])
        }
    }

    public func endAttempt(at path: String) throws {
        try write("recording the end of work on \(path)") { db in
            try db.cachedStatement(sql: "DELETE FROM attempt WHERE path = ?").execute(arguments: [path])
        }
    }

    public func unfinishedAttempts() throws -> [String: Int] {
        try read("reading unfinished work") { db in
            var attempts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, runs FROM attempt") { attempts[row["path"]] = row["runs"] }
            return attempts
        }
    }
}
