import Foundation
import GlimpseDescribe
import GlimpseImage
import GRDB

// The rows derived from one description, written inside the caller's transaction.
extension SQLiteIndexStore {
    /// Inserts or updates the image row at `facts.path` and returns its id. `size` (pixels) and
    /// `models` replace the stored ones; a nil content hash or format keeps the stored one, and so do
    /// facts whose tags were not read (nil `tagsStamp`).
    static func upsertImage(_ db: Database, facts: FileFacts, status: ImageStatus, error: String?, size: PixelSize?,
                            models: [ModelStamp], source: String) throws -> ImageID {
        let now = Date()
        let modelsJSON = models.isEmpty ? nil : String(decoding: try JSONEncoder().encode(models), as: UTF8.self)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO image (path, contentHash, size, modified, width, height, format, status, error, models, source, takenAt,
                               tags, rating, latitude, longitude, camera, tagsStamp, pictureHash, createdAt, updatedAt)
            VALUES (:path, :hash, :size, :modified, :width, :height, :format, :status, :error, :models, :source, :taken,
                    :tags, :rating, :latitude, :longitude, :camera, :tagsStamp, :pictureHash, :now, :now)
            ON CONFLICT(path) DO UPDATE SET
                contentHash = coalesce(excluded.contentHash, contentHash), takenAt = coalesce(excluded.takenAt, takenAt), size = excluded.size,
                tags = CASE WHEN excluded.tagsStamp IS NULL THEN tags ELSE excluded.tags END,
                rating = CASE WHEN excluded.tagsStamp IS NULL THEN rating ELSE excluded.rating END,
                latitude = CASE WHEN excluded.tagsStamp IS NULL THEN latitude ELSE excluded.latitude END,
                longitude = CASE WHEN excluded.tagsStamp IS NULL THEN longitude ELSE excluded.longitude END,
                camera = CASE WHEN excluded.tagsStamp IS NULL THEN camera ELSE excluded.camera END,
                tagsStamp = coalesce(excluded.tagsStamp, tagsStamp), pictureHash = coalesce(excluded.pictureHash, pictureHash),
                modified = excluded.modified, width = excluded.width, height = excluded.height,
                format = coalesce(excluded.format, format), status = excluded.status, error = excluded.error,
                models = excluded.models, source = excluded.source, updatedAt = excluded.updatedAt
            RETURNING id
            """)
        let id = try Int64.fetchOne(statement, arguments: [
            "path": facts.path, "hash": facts.contentHash, "size": facts.size, "modified": facts.modified,
            "width": size?.width, "height": size?.height, "format": facts.format, "status": status.rawValue,
            "error": error, "models": modelsJSON, "source": source, "taken": facts.taken, "now": now,
            "tags": try tagsJSON(facts.tags, stamp: facts.tagsStamp), "rating": facts.tagsStamp == nil ? nil : facts.tags?.rating,
            "latitude": facts.tagsStamp == nil ? nil : facts.tags?.location?.latitude,
            "longitude": facts.tagsStamp == nil ? nil : facts.tags?.location?.longitude, "tagsStamp": facts.tagsStamp,
            "camera": facts.tagsStamp == nil ? nil : facts.tags?.camera,
            "pictureHash": facts.pictureHash,
        ])
        guard let id else { throw IndexError.database(operation: "saving \(facts.path)", reason: "no row id returned") }
        return id
    }

    /// Deletes everything derived from image `id` (not the image row).
    static func clearDerived(_ db: Database, _ id: ImageID) throws {
        for sql in ["DELETE FROM description WHERE imageId = ?", "DELETE FROM region WHERE imageId = ?",
                    "DELETE FROM keyword WHERE imageId = ?", "DELETE FROM embedding WHERE imageId = ?",
                    "DELETE FROM descriptionSearch WHERE rowid = ?"] {
            try db.cachedStatement(sql: sql).execute(arguments: [id])
        }
    }

    /// The id of the image at `path`, if any.
    static func imageID(_ db: Database, path: String) throws -> ImageID? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM image WHERE path = ?"), arguments: [path])
    }

    /// Writes the image row and all rows derived from `description`.
    static func save(_ description: Description, for facts: FileFacts, source: String, in db: Database) throws -> ImageID {
        let status: ImageStatus = description.mode == .full ? .full : .quick
        let existed = try imageID(db, path: facts.path) != nil
        let id = try upsertImage(db, facts: facts, status: status, error: nil, size: description.imageSize,
                                 models: description.models, source: source)
        if existed { try clearDerived(db, id) }
        try insertDerived(db, id, description)
        return id
    }

    static func insertDerived(_ db: Database, _ id: ImageID, _ description: Description) throws {
        var archived = description
        archived.embeddings = DescriptionEmbeddings()
        for index in archived.regions.indices { archived.regions[index].embedding = [] }
        let json = String(decoding: try JSONEncoder().encode(archived), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO description (imageId, mode, caption, text, json) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [id, description.mode.rawValue, description.caption, description.text, json])

        let regionStatement = try db.cachedStatement(sql: """
            INSERT INTO region (imageId, ordinal, keptIndex, x, y, width, height, area, caption, score, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let embeddingStatement = try db.cachedStatement(sql: """
            INSERT INTO embedding (imageId, kind, regionIndex, dimension, vector) VALUES (?, ?, ?, ?, ?)
            """)
        var keptIndex = 0
        for (ordinal, region) in description.regions.enumerated() {
            let kept: Int? = region.status == .kept ? keptIndex : nil
            try regionStatement.execute(arguments: [
                id, ordinal, kept, region.box.x, region.box.y, region.box.width, region.box.height, region.area,
                region.caption, region.score.map { Double($0) }, region.status.rawValue,
            ])
            if let kept {
                if !region.embedding.isEmpty {
                    try embeddingStatement.execute(arguments: [id, EmbeddingKind.region.rawValue, kept, region.embedding.count,
                                                               EmbeddingBlob.encode(region.embedding)])
                }
                keptIndex += 1
            }
        }
        for (kind, vector) in [(EmbeddingKind.image, description.embeddings.image), (.text, description.embeddings.text)]
        where !vector.isEmpty {
            try embeddingStatement.execute(arguments: [id, kind.rawValue, 0, vector.count, EmbeddingBlob.encode(vector)])
        }

        let keywordStatement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO keyword (imageId, word, isCompound) VALUES (?, ?, ?)")
        for word in description.keywords { try keywordStatement.execute(arguments: [id, word, false]) }
        for compound in description.compounds { try keywordStatement.execute(arguments: [id, compound, true]) }

        // The tags and place names saved with the image row are searched from now on, as `recordTags` makes them.
        let searchable = try searchableTags(db, id)
        try db.cachedStatement(sql: "INSERT INTO descriptionSearch (rowid, text, keywords, compounds, tags) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [
                id, description.text, description.keywords.joined(separator: " "),
                description.compounds.map(FullTextExpression.compoundToken).joined(separator: " "),
                searchable.text,
            ])
        try writePlaceNames(db, id, searchable.places)
    }
}

extension FullTextExpression {
    /// The single full-text token that an indexed compound keyword is stored as: lowercased, each run
    /// of characters that are not letters or digits (the hyphen of `cutting-board`, spaces) replaced by
    /// one `_` — `cutting-board` → `cutting_board`. Pass this form as a term to match the compound as a
    /// unit: `FullTextExpression(anyOf: ["knife", FullTextExpression.compoundToken("cutting-board")])`.
    public static func compoundToken(_ compound: String) -> String {
        var token = ""
        var pendingSeparator = false
        for character in compound.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingSeparator && !token.isEmpty { token.append("_") }
                pendingSeparator = false
                token.append(character)
            } else {
                pendingSeparator = true
            }
        }
        return token
    }

    /// Any of `terms` (words or phrases) or of `compounds` (each matched as one token, see `compoundToken`).
    public init?(anyOf terms: [String], compounds: [String]) {
        self.init(anyOf: terms + compounds.map(Self.compoundToken))
    }
}
