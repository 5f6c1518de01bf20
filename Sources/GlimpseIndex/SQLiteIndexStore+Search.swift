import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseRuntime
import GRDB
import GRDBSQLite

// `SearchableIndex`: what GlimpseSearch reads.
extension SQLiteIndexStore {
    public func describedImageCount() throws -> Int {
        try read("counting images") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM image WHERE status IN ('quick', 'full')") ?? 0
        }
    }

    public func imageIDs(under places: [String]) throws -> [ImageID] {
        // Answered from the path's index alone: no status, whose check would read every image's row.
        // The place itself and the paths under it are two lookups: as one `OR`, SQLite gathers both
        // into a set of row ids first, which doubles the time for a large folder.
        try read("finding the images of folders") { db in
            var ids: [ImageID] = []
            for place in places {
                let range = pathRange(under: place)
                ids += try db.integers("SELECT id FROM image WHERE path = ?", arguments: [range.exact])
                ids += try db.integers("SELECT id FROM image WHERE path >= ? AND path < ?",
                                       arguments: [range.from, range.before])
            }
            return ids
        }
    }

    public func imageIDs(taken range: TakenRange) throws -> [ImageID] {
        try read("finding the photos taken in \(range)") { db in
            try db.integers("SELECT id FROM image WHERE takenAt >= ? AND takenAt < ? ORDER BY takenAt, id",
                            arguments: [range.lowerBound, range.upperBound])
        }
    }

    public func imageIDsInTakenOrder() throws -> (dated: [ImageID], undated: [ImageID]) {
        try read("listing the photos in the order taken") { db in
            (try db.integers("SELECT id FROM image WHERE takenAt > '' ORDER BY takenAt, id"),
             try db.integers("SELECT id FROM image WHERE takenAt IS NULL OR takenAt = '' ORDER BY id"))
        }
    }

    public func imageIDsInTakenOrder(among images: [ImageID]) throws -> (dated: [ImageID], undated: [ImageID]) {
        try read("ordering photos by the date taken") { db in
            var dated: [(String, ImageID)] = [], undated: [ImageID] = []
            for start in stride(from: 0, to: images.count, by: 500) {
                let chunk = Array(images[start..<min(images.count, start + 500)])
                let list = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT id, nullif(takenAt, '') AS taken FROM image WHERE id IN (\(list))",
                                            arguments: StatementArguments(chunk)) {
                    if let taken: String = row["taken"] { dated.append((taken, row["id"])) } else { undated.append(row["id"]) }
                }
            }
            return (dated.sorted { $0 < $1 }.map(\.1), undated.sorted())
        }
    }

    public func imageIDs(ratedAtLeast stars: Int) throws -> [ImageID] {
        try read("finding the photos rated \(stars) stars or more") { db in
            try db.integers("SELECT id FROM image WHERE rating >= ?", arguments: [max(1, stars)])
        }
    }

    public func cameras() throws -> [NamedCount] {
        try read("listing the cameras") { try Self.cameras($0) }
    }

    /// The cameras and how many images each took, most first, ties by name; at most `limit`.
    static func cameras(_ db: Database, limit: Int = -1) throws -> [NamedCount] {
        try Row.fetchAll(db, sql: """
            SELECT camera, count(*) AS n FROM image WHERE camera IS NOT NULL GROUP BY camera ORDER BY n DESC, camera LIMIT ?
            """, arguments: [limit]).map { NamedCount(name: $0["camera"], images: $0["n"]) }
    }

    public func imageIDs(takenWith cameras: [String]) throws -> [ImageID] {
        try read("finding the photos taken with \(cameras.joined(separator: ", "))") { db in
            try cameras.flatMap { try db.integers("SELECT id FROM image WHERE camera = ?", arguments: [$0]) }
        }
    }

    public func imageIDs(takenWithin area: NearbyArea) throws -> [ImageID] {
        let bounds = area.bounds
        return try read("finding the photos taken within \(area)") { db in
            var found: [ImageID] = []
            try db.step("""
                SELECT id, latitude, longitude FROM image
                WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?
                """, arguments: [bounds.latitudes.lowerBound, bounds.latitudes.upperBound,
                                 bounds.longitudes.lowerBound, bounds.longitudes.upperBound]) { row in
                guard let location = PhotoLocation(latitude: sqlite3_column_double(row, 1), longitude: sqlite3_column_double(row, 2)),
                      area.contains(location) else { return }
                found.append(sqlite3_column_int64(row, 0))
            }
            return found
        }
    }

    public func imageCount(ifAllUnder places: [String]) throws -> Int? {
        // Paths under a folder are one run of the path index: the first and last path tell (two lookups;
        // `min` and `max` in one query would read every path).
        try read("checking the folders") { db in
            guard let first = try String.fetchOne(db, sql: "SELECT min(path) FROM image"),
                  let last = try String.fetchOne(db, sql: "SELECT max(path) FROM image") else { return nil }
            let containing = places.contains { place in
                let prefix = pathRange(under: place).from
                return first.utf8.starts(with: prefix.utf8) && last.utf8.starts(with: prefix.utf8)
            }
            return containing ? try Int.fetchOne(db, sql: "SELECT count(*) FROM image") : nil
        }
    }

    public func searchDocuments(_ ids: [ImageID]) throws -> [SearchDocument] {
        try read("reading search documents") { db in
            var found: [ImageID: SearchDocument] = [:]
            found.reserveCapacity(ids.count)
            // Three queries per chunk of ids, not three per image: a negated query reads hundreds.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(ids.count, start + 500)])
                let list = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = StatementArguments(chunk)
                for row in try Row.fetchAll(db, sql: """
                    SELECT i.id, i.path, nullif(i.takenAt, '') AS taken, i.tags, i.place, d.caption, d.text FROM image i
                    JOIN description d ON d.imageId = i.id WHERE i.id IN (\(list))
                    """, arguments: arguments) {
                    let id: ImageID = row["id"]
                    found[id] = SearchDocument(id: id, path: row["path"], caption: row["caption"], text: row["text"],
                                               keywords: [], compounds: [], regions: [], taken: row["taken"],
                                               tags: (row["tags"] as String?).flatMap(Self.decodeTags), place: row["place"])
                }
                for row in try Row.fetchAll(db, sql: """
                    SELECT imageId, word, isCompound FROM keyword WHERE imageId IN (\(list)) ORDER BY imageId, rowid
                    """, arguments: arguments) {
                    let id: ImageID = row["imageId"]
                    if row["isCompound"] as Bool { found[id]?.compounds.append(row["word"]) } else { found[id]?.keywords.append(row["word"]) }
                }
                for row in try Row.fetchAll(db, sql: """
                    SELECT imageId, x, y, width, height, caption FROM region
                    WHERE imageId IN (\(list)) AND keptIndex IS NOT NULL ORDER BY imageId, keptIndex
                    """, arguments: arguments) {
                    let id: ImageID = row["imageId"]
                    found[id]?.regions.append(SearchRegion(
                        box: PixelBox(x: row["x"], y: row["y"], width: row["width"], height: row["height"]),
                        caption: row["caption"] ?? ""))
                }
            }
            return ids.compactMap { found[$0] }
        }
    }

    /// The embeddings of `kind`. Memory-mapped from `<database>.vectors/<kind>.f32` for a file store:
    /// the file is reused while its generation matches the database's and rebuilt otherwise (after any
    /// embedding write); built in memory for an in-memory store. The matrix returned stays valid
    /// (it keeps its mapping) even when a later write replaces the file.
    ///
    /// When stored vectors have different dimensions (a model was changed), the matrix holds those of
    /// the most common dimension.
    ///
    /// The matrix carries its compact int8 copy (`QuantizedEmbeddings`), mapped from `<kind>.i8` next to
    /// the `.f32` file under the same generation and database-id rules (and checked against sampled
    /// fp32 rows), rebuilt when stale or damaged, kept in memory when the folder cannot be written.
    ///
    /// While an index run holds the run lock, every image it saves changes the generation, and a rebuild
    /// takes seconds at 100,000 images (20 s for CLIP's image and region rows, measured): so a stale file
    /// of more than `rebuildLimitDuringRun` rows is used as it is, marked `predatesRunInProgress` (it
    /// misses the images saved since; removed ones no longer have a description and drop out of
    /// results). Smaller ones are rebuilt: exact answers at a small cost. The run rewrites the files
    /// when it ends.
    public func embeddingMatrix(_ kind: EmbeddingKind) throws -> EmbeddingMatrix {
        try embeddingMatrix(kind, earlierDuringRun: true)
    }

    /// - Parameter earlierDuringRun: whether stale files may stand in while an index run holds the lock
    ///   (false for the run itself, which brings them up to date when it ends).
    func embeddingMatrix(_ kind: EmbeddingKind, earlierDuringRun: Bool) throws -> EmbeddingMatrix {
        let generation = try read("reading the embedding generation") { db in
            try Int64.fetchOne(db, sql: "SELECT generation FROM embeddingGeneration WHERE kind = ?", arguments: [kind.rawValue]) ?? 0
        }
        let cached = matrices.withLock { $0[kind] }
        if let cached, cached.generation == generation, !cached.matrix.predatesRunInProgress { return cached.matrix }
        let file = vectorsFolder?.appending(path: "\(kind.rawValue).f32")
        let compactFile = vectorsFolder?.appending(path: "\(kind.rawValue).i8")
        if let file, let mapped = EmbeddingSidecar.map(file, expected: (generation, databaseID)) {
            let matrix = mapped.withCompact(QuantizedSidecar.load(for: mapped, url: compactFile, generation: generation,
                                                                  databaseID: databaseID))
            matrices.withLock { $0[kind] = (generation, matrix) }
            return matrix
        }
        if earlierDuringRun, let file, let lock = runLockURL, FileLock.isHeld(lock) {
            if let cached, cached.matrix.predatesRunInProgress { return cached.matrix }
            if let (earlier, rows) = EmbeddingSidecar.header(of: file), rows > rebuildLimitDuringRun,
               let mapped = EmbeddingSidecar.map(file, expected: (earlier, databaseID)) {
                let matrix = mapped.withCompact(QuantizedSidecar.load(for: mapped, url: compactFile, generation: earlier,
                                                                      databaseID: databaseID)).predatingRunInProgress()
                matrices.withLock { $0[kind] = (earlier, matrix) }
                return matrix
            }
        }
        let (built, builtGeneration) = try read("reading embeddings") { db in
            (try Self.buildMatrix(kind, db), try Int64.fetchOne(db, sql: "SELECT generation FROM embeddingGeneration WHERE kind = ?",
                                                                arguments: [kind.rawValue]) ?? 0)
        }
        var matrix = built
        if let file {
            do {
                try EmbeddingSidecar.write(built, generation: builtGeneration, databaseID: databaseID, to: file)
                if let mapped = EmbeddingSidecar.map(file, expected: (builtGeneration, databaseID)) { matrix = mapped }
            } catch {
                // A read-only folder: serve the matrix from memory.
            }
        }
        matrix = matrix.withCompact(QuantizedSidecar.load(for: matrix, url: compactFile, generation: builtGeneration,
                                                          databaseID: databaseID))
        matrices.withLock { $0[kind] = (builtGeneration, matrix) }
        return matrix
    }

    /// All vectors of `kind` in one read transaction, ordered by image and region.
    static func buildMatrix(_ kind: EmbeddingKind, _ db: Database) throws -> EmbeddingMatrix {
        let dimension = try Int.fetchOne(db, sql: """
            SELECT dimension FROM embedding WHERE kind = ? GROUP BY dimension ORDER BY count(*) DESC, dimension DESC LIMIT 1
            """, arguments: [kind.rawValue]) ?? 0
        var images: [ImageID] = []
        var regions: [Int32] = []
        var values: [Float] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT imageId, regionIndex, vector FROM embedding WHERE kind = ? AND dimension = ? ORDER BY imageId, regionIndex
            """, arguments: [kind.rawValue, dimension])
        while let row = try rows.next() {
            let appended = try row.withUnsafeData(named: "vector") { blob -> Bool in
                // A damaged row is left out, never read past its end.
                guard let blob, blob.count == dimension * 4 else { return false }
                blob.withUnsafeBytes { raw in
                    for index in 0..<dimension { values.append(raw.loadUnaligned(fromByteOffset: index * 4, as: Float.self)) }
                }
                return true
            }
            guard appended else { continue }
            images.append(row["imageId"])
            regions.append(Int32(truncatingIfNeeded: row["regionIndex"] as Int))
        }
        return EmbeddingMatrix(dimension: dimension, rowImages: images, rowRegions: regions, values: values)
    }

    // MARK: Status

    public func summary() throws -> IndexSummary {
        var summary = try read("reading the index summary") { db in
            var counts = Dictionary(uniqueKeysWithValues: ImageStatus.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM image GROUP BY status") {
                if let status = ImageStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            var embeddings = Dictionary(uniqueKeysWithValues: EmbeddingKind.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) AS n FROM embedding GROUP BY kind") {
                if let kind = EmbeddingKind(rawValue: row["kind"]) { embeddings[kind] = row["n"] }
            }
            var uses: [ModelStamp: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT models, count(*) AS n FROM image WHERE models IS NOT NULL GROUP BY models") {
                let json: String = row["models"]
                for stamp in (try? JSONDecoder().decode([ModelStamp].self, from: Data(json.utf8))) ?? [] {
                    uses[stamp, default: 0] += row["n"] as Int
                }
            }
            let models = uses.map { IndexSummary.ModelUse(model: $0.key, images: $0.value) }
                .sorted { ($0.model.role.rawValue, $0.model.identifier) < ($1.model.role.rawValue, $1.model.identifier) }
            let errors = try Row.fetchAll(db, sql: """
                SELECT path, error FROM image WHERE status = 'failed' ORDER BY updatedAt DESC, id DESC LIMIT 20
                """).map { IndexSummary.FailedImage(path: $0["path"], message: $0["error"] ?? "") }
            let shelved = try Int.fetchOne(db, sql: "SELECT count(*) FROM shelvedDescription") ?? 0
            // Three walks of the date's index, not one query: an aggregate of all three would read every row.
            let dated = IndexSummary.DatedImages(
                images: try Int.fetchOne(db, sql: "SELECT count(*) FROM image WHERE takenAt > ''") ?? 0,
                earliest: try String.fetchOne(db, sql: "SELECT takenAt FROM image WHERE takenAt > '' ORDER BY takenAt LIMIT 1"),
                latest: try String.fetchOne(db, sql: "SELECT takenAt FROM image WHERE takenAt > '' ORDER BY takenAt DESC LIMIT 1"))
            var formats: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT format, count(*) AS n FROM image WHERE format IS NOT NULL GROUP BY format") {
                formats[row["format"]] = row["n"]
            }
            // A camera's name alone is not a tag people wrote.
            let taggedCount = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM image WHERE tags IS NOT NULL AND (camera IS NULL OR json_remove(tags, '$.camera') != '{}')
                """) ?? 0
            var tagged = IndexSummary.TaggedImages(images: taggedCount, located: try Int.fetchOne(db, sql: """
                SELECT count(*) FROM image WHERE latitude IS NOT NULL
                """) ?? 0, named: try Int.fetchOne(db, sql: "SELECT count(*) FROM image WHERE place IS NOT NULL") ?? 0)
            // A named place begins with its town (`PlaceNamer`: town, city, region, country).
            tagged.towns = try Row.fetchAll(db, sql: """
                SELECT substr(place, 1, instr(place || ',', ',') - 1) AS town, count(*) AS n FROM image WHERE place IS NOT NULL
                GROUP BY town ORDER BY n DESC, town LIMIT ?
                """, arguments: [IndexSummary.TaggedImages.topTowns]).map { .init(name: $0["town"], images: $0["n"]) }
            tagged.cameraCount = try Int.fetchOne(db, sql: "SELECT count(DISTINCT camera) FROM image") ?? 0
            tagged.cameras = try Self.cameras(db, limit: IndexSummary.TaggedImages.topCameras)
            for row in try Row.fetchAll(db, sql: "SELECT rating, count(*) AS n FROM image WHERE rating IS NOT NULL GROUP BY rating") {
                tagged.ratings[String(row["rating"] as Int)] = row["n"]
            }
            return IndexSummary(counts: counts, embeddings: embeddings, models: models, recentErrors: errors,
                                bytesOnDisk: 0, location: nil, shelved: shelved, dated: dated, formats: formats, tagged: tagged,
                                libraryFolders: try Self.libraryFolderCounts(db), lastRun: try Self.lastRun(db))
        }
        if let url {
            summary.location = url.path
            var files = ["", "-wal", "-shm"].map { URL(filePath: url.path + $0) }
            if let folder = vectorsFolder {
                files += ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            }
            summary.bytesOnDisk = files.reduce(0) { total, file in
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
                return total + size
            }
        }
        return summary
    }
}
