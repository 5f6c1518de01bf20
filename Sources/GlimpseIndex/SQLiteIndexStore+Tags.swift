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
                try Self.recordTags(db, entry.image, tags: entry.tags, stamp: entry.stamp)
            }
        }
    }

    /// Writes `tags` to image `id` when they were read (a `stamp`; nil keeps the stored ones), and brings its
    /// full-text row (if it has one) up to date with the stored tags.
    static func recordTags(_ db: Database, _ id: ImageID, tags: PhotoTags?, stamp: String?) throws {
        if let stamp {
            try db.cachedStatement(sql: "UPDATE image SET tags = ?, rating = ?, latitude = ?, longitude = ?, camera = ?, tagsStamp = ? WHERE id = ?")
                .execute(arguments: [try tagsJSON(tags, stamp: stamp), tags?.rating, tags?.location?.latitude, tags?.location?.longitude,
                                     tags?.camera, stamp, id])
        }
        let searchable = try searchableTags(db, id)
        try writePlaceNames(db, id, searchable.places)
        if try writeFullTextTags(db, id, searchable.text) { try bumpFullTextGeneration(db) }
    }

    /// Replaces the place names image `id` is found under ("in Lisbon": `imageIDs(takenAt:)`) with `places`.
    static func writePlaceNames(_ db: Database, _ id: ImageID, _ places: [String]) throws {
        try db.cachedStatement(sql: "DELETE FROM placeName WHERE imageId = ?").execute(arguments: [id])
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO placeName (name, imageId) VALUES (?, ?)")
        for name in places { try insert.execute(arguments: [PlaceNameKey.of(name), id]) }
    }

    /// Writes `text` to image `id`'s full-text `tags` column when it holds something else; whether it did
    /// (an image without a full-text row is left alone).
    static func writeFullTextTags(_ db: Database, _ id: ImageID, _ text: String?) throws -> Bool {
        let text = text ?? ""
        guard let indexed = try Row.fetchOne(db.cachedStatement(sql: "SELECT coalesce(tags, '') FROM descriptionSearch WHERE rowid = ?"),
                                             arguments: [id]),
              indexed[0] as String != text else { return false }
        try db.cachedStatement(sql: "UPDATE descriptionSearch SET tags = ? WHERE rowid = ?")
            .execute(arguments: [text.isEmpty ? nil : text, id])
        return true
    }

    /// The postings file follows the full-text table by this generation (description writes bump it by trigger).
    static func bumpFullTextGeneration(_ db: Database) throws {
        try db.execute(sql: "UPDATE fullTextGeneration SET generation = generation + 1")
    }

    /// Tags read under `stamp` as stored: JSON, or nil when there are none (or they were not read).
    static func tagsJSON(_ tags: PhotoTags?, stamp: String?) throws -> String? {
        guard stamp != nil, let tags, !tags.isEmpty else { return nil }
        return String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
    }

    /// What the full-text table's `tags` column holds for image `id` (`SearchDocument.tagSearchText`: its
    /// tags, its place's names, its telling folder names; nil when none), and the names of its place
    /// (`SearchDocument.placeNames`).
    static func searchableTags(_ db: Database, _ id: ImageID) throws -> (text: String?, places: [String]) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT tags, place, path FROM image WHERE id = ?"), arguments: [id])
        else { return (nil, []) }
        let document = SearchDocument(id: id, path: row["path"], caption: "", text: "", keywords: [], compounds: [], regions: [],
                                      tags: (row["tags"] as String?).flatMap(decodeTags), place: row["place"])
        let text = document.tagSearchText
        return (text.isEmpty ? nil : text, document.placeNames)
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
