import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseRuntime
import GRDB

/// The index on SQLite (GRDB): a WAL-mode database file plus memory-mapped embedding files next to it
/// (`<database>.vectors/<kind>.f32`), or everything in memory.
///
/// Safe to use from several threads and processes at once: writes are serialised by SQLite, readers
/// see committed snapshots (an index run in one process and a search in another work together).
public final class SQLiteIndexStore: IndexStore {
    let database: IndexDatabase
    /// The database file; nil for an in-memory store.
    public var url: URL? { database.url }
    let databaseID: UUID
    /// The database file this store opened; nil in memory.
    let fileIdentity: FileIdentity?
    /// Embedding matrices already built or mapped, by kind, with the generation they reflect.
    let matrices = Locked<[EmbeddingKind: (generation: Int64, matrix: EmbeddingMatrix)]>([:])
    /// The full-text postings last built or mapped (see `prepareFullTextSearch()`).
    let postings = Locked<FullTextPostings?>(nil)
    /// The words spelling suggestions come from, with the full-text generation they reflect (`unknownWords(_:)`).
    let vocabulary = Locked<(generation: Int64, vocabulary: SuggestionVocabulary)?>(nil)
    /// The folder of the memory-mapped embedding and postings files; nil in memory. Made once: every search
    /// asks for it.
    public let vectorsFolder: URL?

    /// While an index run holds the run lock, a stale embedding file of more rows than this is used as it
    /// is rather than rebuilt after every saved image (see `embeddingMatrix(_:)`).
    public let rebuildLimitDuringRun: Int

    /// The default `rebuildLimitDuringRun`: a rebuild costs about 65 µs a row (20 s for 100,000 images
    /// with 200,000 regions, measured), so up to 2,000 rows a search waits about 0.1 s for exact answers.
    public static let defaultRebuildLimitDuringRun = 2_000

    /// Opens (creating and migrating as needed) the index database at `url`.
    public convenience init(url: URL, rebuildLimitDuringRun: Int = defaultRebuildLimitDuringRun) throws {
        try self.init(database: IndexDatabase.open(at: url), rebuildLimitDuringRun: rebuildLimitDuringRun)
    }

    /// A private in-memory index (tests, evaluation sets); embedding matrices are built in memory.
    public static func inMemory() throws -> SQLiteIndexStore {
        try SQLiteIndexStore(database: IndexDatabase.inMemory())
    }

    /// The default index: `index.sqlite` in Glimpse's data folder (`$GLIMPSE_DATA_DIR`, else
    /// `$XDG_DATA_HOME/glimpse`, else `~/.local/share/glimpse`).
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        GlimpseDirectories(environment: environment).defaultIndex
    }

    init(database: IndexDatabase, rebuildLimitDuringRun: Int = defaultRebuildLimitDuringRun) throws {
        self.database = database
        self.rebuildLimitDuringRun = rebuildLimitDuringRun
        let text = try IndexError.wrapping("reading the database id") {
            try database.writer.read { try String.fetchOne($0, sql: "SELECT value FROM metadata WHERE key = 'databaseID'") }
        }
        databaseID = text.flatMap(UUID.init(uuidString:)) ?? UUID()
        fileIdentity = database.path.flatMap { FileIdentity(path: $0) }
        vectorsFolder = database.url.map {
            $0.deletingLastPathComponent().appending(path: $0.lastPathComponent + ".vectors", directoryHint: .isDirectory)
        }
    }

    /// Whether another database file now stands at `url` (`glimpse restore` put a backup there, or the index
    /// was moved aside and made again): this store goes on reading the file it opened, so a long-lived reader
    /// (`glimpse serve`) opens the new one. False in memory and while no file stands there.
    public var isReplacedOnDisk: Bool {
        guard let path = database.path, let fileIdentity, let now = FileIdentity(path: path) else { return false }
        return now != fileIdentity
    }

    /// `<database>.lock` beside the database file; nil in memory.
    public var runLockURL: URL? { database.path.map { URL(filePath: $0 + ".lock") } }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try IndexError.wrapping(operation, path: database.path) { try database.writer.read(body) }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try IndexError.wrapping(operation, path: database.path) { try database.writer.write(body) }
    }

    /// Copies the write-ahead log into the database file and truncates it (for size measurements and
    /// backups; SQLite does this on its own from time to time).
    public func checkpoint() throws {
        try IndexError.wrapping("checkpointing the database") {
            _ = try database.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        }
    }

    // MARK: Reading rows

    static let imageColumns = "id, path, size, modified, contentHash, format, status, error, takenAt, tagsStamp, pictureHash"

    static func indexedImage(_ row: Row) -> IndexedImage {
        IndexedImage(
            id: row["id"],
            facts: FileFacts(path: row["path"], size: row["size"], modified: row["modified"],
                             contentHash: row["contentHash"], format: row["format"], taken: row["takenAt"],
                             tagsStamp: row["tagsStamp"], pictureHash: row["pictureHash"]),
            status: ImageStatus(rawValue: row["status"]) ?? .failed,
            error: row["error"])
    }

    public func images(under roots: [String]) throws -> [IndexedImage] {
        try read("listing indexed images") { db in
            var result: [IndexedImage] = []
            var seen = Set<ImageID>()
            for root in roots {
                let range = pathRange(under: root)
                let images = try db.indexedImages("""
                    SELECT \(Self.imageColumns) FROM image WHERE path = ? OR (path >= ? AND path < ?)
                    """, arguments: [range.exact, range.from, range.before])
                for image in images where seen.insert(image.id).inserted { result.append(image) }
            }
            return result
        }
    }

    public func images(directlyIn folder: String) throws -> [IndexedImage] {
        try read("listing indexed images") { db in
            let range = pathRange(under: folder)
            // The range's entries of the path index are stepped in SQLite; only the folder's own files come back.
            return try db.indexedImages("""
                SELECT \(Self.imageColumns) FROM image WHERE path >= ? AND path < ? AND instr(substr(path, ?), '/') = 0
                """, arguments: [range.from, range.before, range.from.unicodeScalars.count + 1])
        }
    }

    public func image(atPath path: String) throws -> IndexedImage? {
        try read("looking up \(path)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.imageColumns) FROM image WHERE path = ?", arguments: [path])
                .map(Self.indexedImage)
        }
    }

    public func describedImages(withContentHash hash: String) throws -> [IndexedImage] {
        try read("looking up a content hash") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.imageColumns) FROM image
                WHERE contentHash = ? AND status IN ('quick', 'full')
                ORDER BY status = 'full' DESC, id
                """, arguments: [hash]).map(Self.indexedImage)
        }
    }

    public func description(of id: ImageID) throws -> Description? {
        try read("reading a description") { db in
            guard let json = try String.fetchOne(db, sql: "SELECT json FROM description WHERE imageId = ?", arguments: [id])
            else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT kind, regionIndex, vector FROM embedding WHERE imageId = ?", arguments: [id])
            return try Self.description(json: json, embeddings: rows)
        }
    }

    /// A stored description: its JSON (saved without embeddings) with its embedding rows put back
    /// (columns `kind`, `regionIndex`, `vector`; a region's index counts only the kept regions).
    static func description(json: String, embeddings rows: [Row]) throws -> Description {
        var description = try JSONDecoder().decode(Description.self, from: Data(json.utf8))
        let keptOrdinals = description.regions.indices.filter { description.regions[$0].status == .kept }
        for row in rows {
            let vector = EmbeddingBlob.decode(row["vector"])
            switch EmbeddingKind(rawValue: row["kind"]) {
            case .image: description.embeddings.image = vector
            case .text: description.embeddings.text = vector
            case .region:
                let index: Int = row["regionIndex"]
                if keptOrdinals.indices.contains(index) { description.regions[keptOrdinals[index]].embedding = vector }
            case nil: break
            }
        }
        return description
    }

    // MARK: Writing

    public func addPending(_ files: [FileFacts]) throws {
        guard !files.isEmpty else { return }
        try write("recording found files") { db in
            let now = Date()
            let statement = try db.cachedStatement(sql: """
                INSERT INTO image (path, size, modified, format, status, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(path) DO NOTHING
                """)
            for file in files {
                try statement.execute(arguments: [file.path, file.size, file.modified, file.format, now, now])
            }
        }
    }

    @discardableResult
    public func saveDescription(_ description: Description, for facts: FileFacts) throws -> ImageID {
        try write("saving the description of \(facts.path)") { db in
            try Self.save(description, for: facts, source: "scan", in: db)
        }
    }

    /// Stores many descriptions in one transaction (bulk loads; all or none are saved). Call
    /// `prepareForSearch()` when done.
    public func saveDescriptions(_ items: [(description: Description, facts: FileFacts)]) throws {
        try write("saving \(items.count) descriptions") { db in
            for item in items { _ = try Self.save(item.description, for: item.facts, source: "scan", in: db) }
        }
    }

    public func recordFailure(_ message: String, for facts: FileFacts) throws {
        try write("recording the failure of \(facts.path)") { db in
            let id = try Self.upsertImage(db, facts: facts, status: .failed, error: message, size: nil, models: [], source: "scan")
            try Self.clearDerived(db, id)
        }
    }

    public func moveImage(_ id: ImageID, to facts: FileFacts) throws {
        try write("moving an image to \(facts.path)") { db in
            try db.execute(sql: "DELETE FROM image WHERE path = ? AND id <> ?", arguments: [facts.path, id])
            try db.execute(sql: """
                UPDATE image SET path = ?, size = ?, modified = ?, contentHash = coalesce(?, contentHash),
                    format = coalesce(?, format), takenAt = coalesce(?, takenAt), pictureHash = coalesce(?, pictureHash),
                    updatedAt = ? WHERE id = ?
                """, arguments: [facts.path, facts.size, facts.modified, facts.contentHash, facts.format, facts.taken, facts.pictureHash,
                                 Date(), id])
            guard db.changesCount == 1 else { throw IndexError.unknownImage(id) }
            try Self.recordTags(db, id, tags: facts.tags, stamp: facts.tagsStamp)
        }
    }

    public func recordDatesTaken(_ dates: [(image: ImageID, taken: String)]) throws {
        guard !dates.isEmpty else { return }
        try write("recording when photos were taken") { db in
            let statement = try db.cachedStatement(sql: "UPDATE image SET takenAt = ? WHERE id = ?")
            for date in dates { try statement.execute(arguments: [date.taken, date.image]) }
        }
    }

    @discardableResult
    public func copyDescription(of source: ImageID, to facts: FileFacts) throws -> ImageID {
        try write("copying a description to \(facts.path)") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, width, height, models FROM image WHERE id = ?", arguments: [source])
            else { throw IndexError.unknownImage(source) }
            let id = try Self.upsertImage(db, facts: facts, status: ImageStatus(rawValue: row["status"]) ?? .quick, error: nil,
                                          size: nil, models: [], source: "scan")
            try db.execute(sql: "UPDATE image SET width = ?, height = ?, models = ? WHERE id = ?",
                           arguments: [row["width"] as Int?, row["height"] as Int?, row["models"] as String?, id])
            try Self.clearDerived(db, id)
            try db.execute(sql: """
                INSERT INTO description (imageId, mode, caption, text, json)
                    SELECT :id, mode, caption, text, json FROM description WHERE imageId = :source;
                INSERT INTO region (imageId, ordinal, keptIndex, x, y, width, height, area, caption, score, status)
                    SELECT :id, ordinal, keptIndex, x, y, width, height, area, caption, score, status FROM region WHERE imageId = :source;
                INSERT INTO keyword (imageId, word, isCompound) SELECT :id, word, isCompound FROM keyword WHERE imageId = :source;
                INSERT INTO embedding (imageId, kind, regionIndex, dimension, vector)
                    SELECT :id, kind, regionIndex, dimension, vector FROM embedding WHERE imageId = :source;
                INSERT INTO descriptionSearch (rowid, text, keywords, compounds)
                    SELECT :id, text, keywords, compounds FROM descriptionSearch WHERE rowid = :source;
                """, arguments: ["id": id, "source": source])
            try Self.recordTags(db, id, tags: facts.tags, stamp: facts.tagsStamp)
            return id
        }
    }

    public func removeImages(_ ids: [ImageID], shelving: Bool) throws {
        guard !ids.isEmpty else { return }
        try write("removing images") { db in
            let now = Date()
            let statement = try db.cachedStatement(sql: "DELETE FROM image WHERE id = ?")
            for id in ids {
                if shelving { try Self.shelve(id, at: now, in: db) }
                try statement.execute(arguments: [id])
            }
        }
    }
}
