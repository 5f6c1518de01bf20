import Foundation
import GRDB

/// The index database: opens (or creates) it and migrates it to the current schema on open.
///
/// Schema version 1 (table `grdb_migrations` records applied versions):
///
/// - `image`: `id`, `path` (unique), `contentHash`, `size`, `modified` (seconds since 1970), `width`,
///   `height`, `format`, `status` (pending · quick · full · failed), `error`, `models` (JSON array of
///   `ModelStamp`), `source` (scan · import), `createdAt`, `updatedAt`.
/// - `description`: one per described image: `mode`, `caption`, `text`, `json` (the whole `Description`
///   as JSON, embeddings left out: they live in `embedding`).
/// - `region`: every region of the description: `ordinal` (index in `Description.regions`), `keptIndex`
///   (index among kept regions, the `regionIndex` of region embeddings; null when not kept), box,
///   `area`, `caption`, `score`, `status`.
/// - `keyword`: `word` and `isCompound` per image (compounds hyphen-joined as `Keywords` writes them).
/// - `embedding`: `kind` (image · region · text), `regionIndex`, `dimension`, `vector` (little-endian
///   Float32 blob); triggers bump `embeddingGeneration.generation` of the kind on every insert/delete.
/// - `descriptionSearch`: FTS5 over `text`, `keywords`, `compounds` (and `tags` from version 6: the photo manager's tags and, from version 7, the place's names and the telling folder names, and from version 8 the telling words of the file's name; rowid = image id); see
///   `SearchableIndex` for the tokenizer and the compound rule.
/// - `metadata`: `key`/`value`; `databaseID` identifies this database (a UUID) for the sidecar files.
///
/// Version 2 adds `fullTextGeneration` (one row), bumped by triggers on every insert, update and delete
/// of `description` — every change of `descriptionSearch` goes with one — so that the full-text
/// postings file knows when it is stale.
struct IndexDatabase: Sendable {
    /// The tokenizer of `descriptionSearch`: Porter stemming over unicode61 (diacritics folded), with
    /// `_` a token character so that an indexed compound `cutting_board` is one token.
    static let ftsTokenizer = "porter unicode61 remove_diacritics 2 tokenchars '_'"

    let writer: any DatabaseWriter
    /// The database file; nil in memory.
    let url: URL?
    /// `url`'s path, taken once: every read and write names it in its errors.
    let path: String?

    init(writer: any DatabaseWriter, url: URL?) {
        self.writer = writer
        self.url = url
        path = url?.path
    }

    /// Opens the database at `url` (a WAL-mode pool), creating the file and its folder if needed.
    static func open(at url: URL) throws -> IndexDatabase {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw IndexError.cannotOpen(path: url.path, reason: "its folder cannot be created (\(error.localizedDescription))")
        }
        let pool: DatabasePool
        do {
            pool = try openPool(url.path)
        } catch {
            throw IndexError.opening(url.path, error)
        }
        let database = IndexDatabase(writer: pool, url: url)
        try database.migrate()
        return database
    }

    /// A pool on `path`. Turning a new file to WAL mode needs a moment of exclusive access, which
    /// another process opening it at the same time may hold (SQLite's busy timeout does not cover that
    /// step): it is tried again for up to about two seconds.
    private static func openPool(_ path: String) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration())
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 40 {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// A private in-memory database (tests, evaluation sets).
    static func inMemory() throws -> IndexDatabase {
        let queue = try IndexError.wrapping("creating an in-memory index") {
            try DatabaseQueue(configuration: configuration())
        }
        let database = IndexDatabase(writer: queue, url: nil)
        try database.migrate()
        return database
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process (an index run) may hold the write lock for one image's transaction.
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Migrates; when another process opening the same new index migrates at the same moment (GRDB
    /// reads the applied versions before it takes the write lock, so both may try `v1`), the loser's
    /// error is dropped once the other's work is seen to be complete, or it tries again.
    private func migrateRacing(_ migrator: DatabaseMigrator) throws {
        for attempt in 1...3 {
            do {
                try migrator.migrate(writer)
                return
            } catch {
                if try writer.read({ try migrator.hasCompletedMigrations($0) }) { return }
                if attempt == 3 { throw error }
            }
        }
    }

    private func migrate() throws {
        let migrator = Self.migrator
        let path = url?.path ?? ":memory:"
        do {
            let (superseded, complete) = try writer.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
            }
            if superseded { throw IndexError.newerSchema(path: path) }
            // Readers (status, search) of an up-to-date index never take the write lock an index run holds.
            if !complete { try migrateRacing(migrator) }
        } catch let error as IndexError {
            throw error
        } catch {
            throw IndexError.opening(path, error)
        }
    }

    /// Schema migrations, from version 1. Append new ones; never edit a released one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "image") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("path", .text).notNull().unique()
                t.column("contentHash", .text).indexed()
                t.column("size", .integer)
                t.column("modified", .double)
                t.column("width", .integer)
                t.column("height", .integer)
                t.column("format", .text)
                t.column("status", .text).notNull()
                    .check { ["pending", "quick", "full", "failed"].contains($0) }
                t.column("error", .text)
                t.column("models", .text)
                t.column("source", .text).notNull().defaults(to: "scan")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "image_on_status", on: "image", columns: ["status"])
            try db.create(table: "description") { t in
                t.primaryKey("imageId", .integer).references("image", onDelete: .cascade)
                t.column("mode", .text).notNull()
                t.column("caption", .text).notNull()
                t.column("text", .text).notNull()
                t.column("json", .text).notNull()
            }
            try db.create(table: "region") { t in
                t.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                t.column("ordinal", .integer).notNull()
                t.column("keptIndex", .integer)
                t.column("x", .integer).notNull()
                t.column("y", .integer).notNull()
                t.column("width", .integer).notNull()
                t.column("height", .integer).notNull()
                t.column("area", .integer).notNull()
                t.column("caption", .text)
                t.column("score", .double)
                t.column("status", .text).notNull()
                t.primaryKey(["imageId", "ordinal"])
            }
            try db.create(table: "keyword") { t in
                t.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                t.column("word", .text).notNull()
                t.column("isCompound", .boolean).notNull()
                t.primaryKey(["imageId", "word", "isCompound"])
            }
            try db.create(index: "keyword_on_word", on: "keyword", columns: ["word"])
            try db.create(table: "embedding") { t in
                t.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("regionIndex", .integer).notNull()
                t.column("dimension", .integer).notNull()
                t.column("vector", .blob).notNull()
                t.primaryKey(["imageId", "kind", "regionIndex"])
            }
            try db.create(index: "embedding_on_kind", on: "embedding", columns: ["kind"])
            try db.create(table: "embeddingGeneration") { t in
                t.primaryKey("kind", .text)
                t.column("generation", .integer).notNull()
            }
            for kind in EmbeddingKind.allCases {
                try db.execute(sql: "INSERT INTO embeddingGeneration (kind, generation) VALUES (?, 0)", arguments: [kind.rawValue])
            }
            try db.execute(sql: """
                CREATE TRIGGER embedding_after_insert AFTER INSERT ON embedding BEGIN
                    UPDATE embeddingGeneration SET generation = generation + 1 WHERE kind = new.kind;
                END;
                CREATE TRIGGER embedding_after_delete AFTER DELETE ON embedding BEGIN
                    UPDATE embeddingGeneration SET generation = generation + 1 WHERE kind = old.kind;
                END;
                CREATE VIRTUAL TABLE descriptionSearch USING fts5(text, keywords, compounds, tokenize = "\(ftsTokenizer)");
                CREATE TRIGGER image_after_delete AFTER DELETE ON image BEGIN
                    DELETE FROM descriptionSearch WHERE rowid = old.id;
                END;
                """)
            try db.create(table: "metadata") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(sql: "INSERT INTO metadata (key, value) VALUES ('databaseID', ?)", arguments: [UUID().uuidString])
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE fullTextGeneration (generation INTEGER NOT NULL);
                INSERT INTO fullTextGeneration (generation) VALUES (0);
                CREATE TRIGGER description_after_insert AFTER INSERT ON description BEGIN
                    UPDATE fullTextGeneration SET generation = generation + 1;
                END;
                CREATE TRIGGER description_after_update AFTER UPDATE ON description BEGIN
                    UPDATE fullTextGeneration SET generation = generation + 1;
                END;
                CREATE TRIGGER description_after_delete AFTER DELETE ON description BEGIN
                    UPDATE fullTextGeneration SET generation = generation + 1;
                END;
                """)
        }
        migrator.registerMigration("v3") { db in
            // Descriptions of removed images, by content (`SQLiteIndexStore+Shelf.swift`).
            try db.execute(sql: """
                CREATE TABLE shelvedDescription (
                    contentHash TEXT PRIMARY KEY NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('quick', 'full')),
                    path TEXT NOT NULL,
                    json TEXT NOT NULL,
                    shelvedAt DATETIME NOT NULL
                );
                CREATE INDEX shelvedDescription_on_path ON shelvedDescription (path);
                CREATE INDEX shelvedDescription_on_shelvedAt ON shelvedDescription (shelvedAt);
                CREATE TABLE shelvedEmbedding (
                    contentHash TEXT NOT NULL REFERENCES shelvedDescription (contentHash) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    regionIndex INTEGER NOT NULL,
                    dimension INTEGER NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (contentHash, kind, regionIndex)
                );
                """)
        }
        migrator.registerMigration("v4") { db in
            // When each photo was taken (`FileFacts.taken`); NULL until its file is read for it.
            try db.execute(sql: """
                ALTER TABLE image ADD COLUMN takenAt TEXT;
                CREATE INDEX image_on_takenAt ON image (takenAt);
                """)
        }
        migrator.registerMigration("v5") { db in
            // Files being decoded or described by an index run, and how many runs began on each without
            // finishing it (`Indexer`'s guard against a file that crashes the process).
            try db.execute(sql: """
                CREATE TABLE attempt (path TEXT PRIMARY KEY NOT NULL, runs INTEGER NOT NULL, startedAt DOUBLE NOT NULL);
                """)
        }
        migrator.registerMigration("v6") { db in
            // What people tagged in their photo manager (`PhotoTags`): `tags` as JSON (NULL for none), its
            // `rating`, `latitude` and `longitude` (`PhotoTags.location`) for filtering, `tagsStamp` (`ScannedFile.tagsStamp`; NULL until the file was read for
            // them); `pictureHash` (`ContentHash.ofPicture`: the file without its metadata, so that a file
            // whose tags were written into it is not described again; NULL until read, or for other formats).
            // The full-text table gains a fourth column, `tags`, which an FTS5 table can only get by being
            // made again: its rows are copied over.
            try db.execute(sql: """
                ALTER TABLE image ADD COLUMN tags TEXT;
                ALTER TABLE image ADD COLUMN rating INTEGER;
                ALTER TABLE image ADD COLUMN tagsStamp TEXT;
                ALTER TABLE image ADD COLUMN pictureHash TEXT;
                ALTER TABLE image ADD COLUMN latitude REAL;
                ALTER TABLE image ADD COLUMN longitude REAL;
                CREATE INDEX image_on_rating ON image (rating);
                CREATE INDEX image_on_latitude ON image (latitude);
                DROP TRIGGER image_after_delete;
                CREATE VIRTUAL TABLE descriptionSearchWithTags USING fts5(text, keywords, compounds, tags, tokenize = "\(ftsTokenizer)");
                INSERT INTO descriptionSearchWithTags (rowid, text, keywords, compounds)
                    SELECT rowid, text, keywords, compounds FROM descriptionSearch;
                DROP TABLE descriptionSearch;
                ALTER TABLE descriptionSearchWithTags RENAME TO descriptionSearch;
                CREATE TRIGGER image_after_delete AFTER DELETE ON image BEGIN
                    DELETE FROM descriptionSearch WHERE rowid = old.id;
                END;
                UPDATE fullTextGeneration SET generation = generation + 1;
                """)
        }
        migrator.registerMigration("v7") { db in
            // The names of the place a located photo was taken at (`PlaceNaming`, joined by ", "), searched
            // in the full-text table's `tags` column; `placeStamp` says by which namer and for which location
            // (NULL until named). `placeName` holds each name of an image's place (named, or set in a photo
            // manager: `PhotoTags.place`) as `PlaceNameKey` folds it, to find the photos taken at a place.
            try db.execute(sql: """
                ALTER TABLE image ADD COLUMN place TEXT;
                ALTER TABLE image ADD COLUMN placeStamp TEXT;
                CREATE TABLE placeName (
                    name TEXT NOT NULL,
                    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
                    PRIMARY KEY (name, imageId)
                ) WITHOUT ROWID;
                CREATE INDEX placeName_on_imageId ON placeName (imageId);
                """)
        }
        migrator.registerMigration("v8") { db in
            // No new column: the telling words of file names (`FileNameWords`) join the full-text `tags`
            // column, written here for the images indexed before; most cameras' file names have none.
            // A file's name never names its place: only the full-text rows change.
            var written = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, path FROM image") where FileNameWords.of(path: row["path"]) != nil {
                let id: ImageID = row["id"]
                if try SQLiteIndexStore.writeFullTextTags(db, id, SQLiteIndexStore.searchableTags(db, id).text) { written += 1 }
            }
            if written > 0 { try SQLiteIndexStore.bumpFullTextGeneration(db) }
        }
        migrator.registerMigration("v9") { db in
            // The camera that took each photo (`PhotoTags.camera`), for `--camera`; NULL until its tags are
            // read again (`XMPSidecars.tagsReaderVersion` t3 makes the next index run read them).
            try db.execute(sql: """
                ALTER TABLE image ADD COLUMN camera TEXT;
                CREATE INDEX image_on_camera ON image (camera);
                """)
        }
        migrator.registerMigration("v10") { db in
            // Other names of the places photos were named after (`NamedPlace.otherNames`), both as
            // `PlaceNameKey` folds them: `cologne` → `koln`, so that "in Cologne" finds the photos taken in
            // Köln. Written as places are named; one row per name and other name, however many photos.
            try db.execute(sql: """
                CREATE TABLE placeAlias (alias TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (alias, name)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v11") { db in
            // The folders the index was built from (`LibraryFolder`), for `glimpse index` without folders. An
            // index made before remembers none until its folders are given once more.
            try db.execute(sql: "CREATE TABLE libraryFolder (path TEXT PRIMARY KEY NOT NULL, exclusions TEXT NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("v12") { db in
            // A place a photo manager named (`PhotoTags.place`) was searched as a word but, until its tags were read
            // again, not found by name ("in Lisbon"): saving a description did not write its `placeName` rows.
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM image WHERE CASE WHEN json_valid(tags) THEN json_extract(tags, '$.place') IS NOT NULL END") {
                try SQLiteIndexStore.writePlaceNames(db, id, SQLiteIndexStore.searchableTags(db, id).places)
            }
        }
        return migrator
    }
}
