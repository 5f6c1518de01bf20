import Foundation
import GlimpseDescribe
import GRDB

/// Descriptions of removed images, kept aside by content (`ShelvedDescription`): tables
/// `shelvedDescription` (the description's JSON, as in `description`) and `shelvedEmbedding` (its
/// embeddings, as in `embedding`). Nothing search reads comes from them.
extension SQLiteIndexStore {
    /// Puts image `id`'s description aside, unless it has no content hash or no description, or another
    /// described image of the same content stays in the index. A full description already kept for the
    /// same content is not replaced by a quick one.
    static func shelve(_ id: ImageID, at date: Date, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO shelvedDescription (contentHash, status, path, json, shelvedAt)
            SELECT image.contentHash, image.status, image.path, description.json, :now
            FROM image JOIN description ON description.imageId = image.id
            WHERE image.id = :id AND image.contentHash IS NOT NULL AND image.status IN ('quick', 'full')
                AND NOT EXISTS (SELECT 1 FROM image AS other WHERE other.contentHash = image.contentHash
                                AND other.id <> image.id AND other.status IN ('quick', 'full'))
            ON CONFLICT (contentHash) DO UPDATE SET
                status = excluded.status, path = excluded.path, json = excluded.json, shelvedAt = excluded.shelvedAt
            WHERE excluded.status = 'full' OR shelvedDescription.status = 'quick'
            """).execute(arguments: ["id": id, "now": date])
        guard db.changesCount > 0 else { return }
        try db.cachedStatement(sql: """
            DELETE FROM shelvedEmbedding WHERE contentHash = (SELECT contentHash FROM image WHERE id = ?)
            """).execute(arguments: [id])
        try db.cachedStatement(sql: """
            INSERT INTO shelvedEmbedding (contentHash, kind, regionIndex, dimension, vector)
            SELECT image.contentHash, kind, regionIndex, dimension, vector
            FROM embedding JOIN image ON image.id = embedding.imageId WHERE image.id = ?
            """).execute(arguments: [id])
    }

    public func shelvedDescription(withContentHash hash: String) throws -> ShelvedDescription? {
        try read("looking up a kept description") { db in
            try Row.fetchOne(db, sql: "SELECT status, path, shelvedAt FROM shelvedDescription WHERE contentHash = ?",
                             arguments: [hash]).map { row in
                ShelvedDescription(contentHash: hash, status: ImageStatus(rawValue: row["status"]) ?? .quick,
                                   path: row["path"], shelvedAt: row["shelvedAt"])
            }
        }
    }

    /// A kept description that cannot be decoded any more is deleted, and nil returned.
    public func restoreShelvedDescription(for facts: FileFacts) throws -> ImageID? {
        guard let hash = facts.contentHash else { return nil }
        return try write("taking back the kept description of \(facts.path)") { db in
            guard let json = try String.fetchOne(db, sql: "SELECT json FROM shelvedDescription WHERE contentHash = ?",
                                                 arguments: [hash])
            else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT kind, regionIndex, vector FROM shelvedEmbedding WHERE contentHash = ?",
                                        arguments: [hash])
            let description = try? Self.description(json: json, embeddings: rows)
            try db.execute(sql: "DELETE FROM shelvedDescription WHERE contentHash = ?", arguments: [hash])
            // One that cannot be read any more is dropped: the picture is described again, as without it.
            return try description.map { try Self.save($0, for: facts, source: "scan", in: db) }
        }
    }

    public func discardShelvedDescriptions(under places: [String], dryRun: Bool) throws -> [Int] {
        let places = places.map { FileScanner.normalise($0) }
        let operation = dryRun ? "counting kept descriptions" : "deleting kept descriptions"
        return try write(operation) { db in
            try places.map { place in
                let range = pathRange(under: place)
                let condition = "path = ? OR (path >= ? AND path < ?)"
                let arguments: StatementArguments = [range.exact, range.from, range.before]
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM shelvedDescription WHERE \(condition)",
                                             arguments: arguments) ?? 0
                if !dryRun { try db.execute(sql: "DELETE FROM shelvedDescription WHERE \(condition)", arguments: arguments) }
                return count
            }
        }
    }

    @discardableResult
    public func discardShelvedDescriptions(shelvedBefore date: Date) throws -> Int {
        try write("deleting expired kept descriptions") { db in
            try db.execute(sql: "DELETE FROM shelvedDescription WHERE shelvedAt < ?", arguments: [date])
            return db.changesCount
        }
    }
}
