import Foundation
import GlimpseImage
import GRDB

// What people tagged in their photo manager (`PhotoTags`): stored on the image row, searched through the
// full-text table's `tags` column.
extension SQLiteIndexStore {
    public func recordTags(_ tags: [(image: ImageID, tags: PhotoTags, stamp: String)]) throws {
        guard !tags.isEmpty else { return }
        try write("recording tags") { db in
            for entry in tags {
                try Self.recordTags(db, entry.image, FileFacts(path: "", tags: entry.tags, tagsStamp: entry.stamp))
            }
        }
    }

    /// Writes `facts.tags` to image `id` when they were read (a `tagsStamp`), and brings its full-text row
    /// (if it has one) up to date with the stored tags.
    static func recordTags(_ db: Database, _ id: ImageID, _ facts: FileFacts) throws {
        if let stamp = facts.tagsStamp {
            try db.cachedStatement(sql: "UPDATE image SET tags = ?, rating = ?, tagsStamp = ? WHERE id = ?")
                .execute(arguments: [try tagsJSON(facts), facts.tags?.rating, stamp, id])
        }
        let text = try storedTags(db, id)?.searchText ?? ""
        guard let indexed = try Row.fetchOne(db.cachedStatement(sql: "SELECT coalesce(tags, '') FROM descriptionSearch WHERE rowid = ?"),
                                             arguments: [id]),
              indexed[0] as String != text else { return }
        try db.cachedStatement(sql: "UPDATE descriptionSearch SET tags = ? WHERE rowid = ?").execute(arguments: [text.isEmpty ? nil : text, id])
        // The postings file follows the full-text table by this generation (description writes bump it by trigger).
        try db.execute(sql: "UPDATE fullTextGeneration SET generation = generation + 1")
    }

    /// The tags of `facts` as stored: JSON, or nil when there are none.
    static func tagsJSON(_ facts: FileFacts) throws -> String? {
        guard facts.tagsStamp != nil, let tags = facts.tags, !tags.isEmpty else { return nil }
        return String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
    }

    /// The stored tags of image `id`; nil when it has none (or they cannot be read).
    static func storedTags(_ db: Database, _ id: ImageID) throws -> PhotoTags? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT tags FROM image WHERE id = ?"), arguments: [id]).flatMap(decodeTags)
    }

    /// Stored tags from their JSON; nil when it cannot be read.
    static func decodeTags(_ json: String) -> PhotoTags? {
        try? JSONDecoder().decode(PhotoTags.self, from: Data(json.utf8))
    }
}
