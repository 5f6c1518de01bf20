import Foundation
import GRDB

/// The record of the last index run (`IndexRunRecord`), as JSON in the `metadata` table under `lastRun`.
extension SQLiteIndexStore {
    public func recordRun(_ record: IndexRunRecord) throws {
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try write("recording the run") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES ('lastRun', ?)", arguments: [json])
        }
    }

    public func lastRun() throws -> IndexRunRecord? {
        try read("reading the last run") { db in try Self.lastRun(db) }
    }

    /// Nil when no run was recorded, or its record cannot be read (a newer Glimpse's, say).
    static func lastRun(_ db: Database) throws -> IndexRunRecord? {
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = 'lastRun'") else { return nil }
        return try? JSONDecoder().decode(IndexRunRecord.self, from: Data(json.utf8))
    }
}
