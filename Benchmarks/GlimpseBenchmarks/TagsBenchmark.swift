import Foundation
import GlimpseImage
import GlimpseIndex
import GRDB

/// What reading the tags photo managers write costs: an index of `count` images made before Glimpse read
/// them, migrated on open (schema v6 makes the full-text table again); their tags recorded by a run (as
/// after every sidecar changed) and the full-text postings rebuilt; schema v8 when every file's name is
/// telling (`FileNameWords`); and, on `files`, `PhotoTags.read` and the
/// picture's fingerprint (`ContentHash.ofPicture`) next to the whole file's (`ContentHash.of`).
struct TagsBenchmark {
    struct Result: Encodable {
        var images: Int
        var migrationSeconds: Double
        var recordTagsMillisecondsPerImage: Double
        var postingsSeconds: Double
        /// Schema v8 on open when every image has a telling file name (all of them written again).
        var fileNamesMigrationSeconds: Double
        var reads: [FileRead]
    }

    struct FileRead: Encodable {
        var file: String
        var bytes: Int
        var tagged: Bool
        var milliseconds: Double
        var pictureHashMilliseconds: Double
        var contentHashMilliseconds: Double
    }

    var count: Int
    var files: [URL]
    var runs: Int
    var folder: URL

    func run() throws -> Result {
        let url = folder.appending(path: "index.sqlite")
        _ = try FullIndexBuilder(count: count).build(at: url)
        try Self.revertToVersion5(url)
        let opening = ContinuousClock.now
        let store = try SQLiteIndexStore(url: url)
        let migration = seconds(ContinuousClock.now - opening)

        let tags = PhotoTags(title: "Holiday", caption: "Cake on the terrace", keywords: ["birthday", "Paris"],
                             people: ["Anna Karenina"], rating: 4)
        let recording = ContinuousClock.now
        for start in stride(from: 1, through: count, by: 500) {
            try store.recordTags((start..<min(count + 1, start + 500)).map { (ImageID($0), tags, "t1") })
        }
        let record = milliseconds(ContinuousClock.now - recording) / Double(count)
        let rebuilding = ContinuousClock.now
        try store.prepareForSearch()
        let postings = seconds(ContinuousClock.now - rebuilding)
        let fileNames = try Self.fileNamesMigration(url)

        let reads = try files.map { file -> FileRead in
            let data = try Data(contentsOf: file, options: .alwaysMapped)
            let format = ImageFormat.detect(data.prefix(16))
            let tagged = !PhotoTags.read(from: data, format: format).isEmpty
            func median(_ body: () -> Void) -> Double {
                let times = (0..<runs).map { _ in
                    let start = ContinuousClock.now
                    body()
                    return milliseconds(ContinuousClock.now - start)
                }.sorted()
                return times[times.count / 2]
            }
            return FileRead(file: file.lastPathComponent, bytes: data.count, tagged: tagged,
                            milliseconds: median { _ = PhotoTags.read(from: data, format: format) },
                            pictureHashMilliseconds: median { _ = ContentHash.ofPicture(in: data, format: format) },
                            contentHashMilliseconds: median { _ = ContentHash.of(data) })
        }
        return Result(images: count, migrationSeconds: migration, recordTagsMillisecondsPerImage: record, postingsSeconds: postings,
                      fileNamesMigrationSeconds: fileNames, reads: reads)
    }

    /// Renames every image as a web page would name it (`golden retriever puppy 123.jpg`), takes schema v8
    /// back, and times its migration on open: each image's full-text row is written again.
    static func fileNamesMigration(_ url: URL) throws -> Double {
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier = 'v8';
                UPDATE image SET path = '/synthetic/' || (id / 1000) || '/golden-retriever-puppy-' || id || '.jpg';
                """)
        }
        try queue.close()
        let opening = ContinuousClock.now
        _ = try SQLiteIndexStore(url: url)
        return seconds(ContinuousClock.now - opening)
    }

    /// Puts the database back in the shape schema v5 had: no tag or place columns, a full-text table of three columns.
    static func revertToVersion5(_ url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: """
                DELETE FROM grdb_migrations WHERE identifier IN ('v6', 'v7', 'v8');
                ALTER TABLE image DROP COLUMN place; ALTER TABLE image DROP COLUMN placeStamp; DROP TABLE placeName;
                DROP INDEX image_on_rating;
                ALTER TABLE image DROP COLUMN tags; ALTER TABLE image DROP COLUMN rating; ALTER TABLE image DROP COLUMN tagsStamp;
                ALTER TABLE image DROP COLUMN pictureHash;
                DROP INDEX image_on_latitude; ALTER TABLE image DROP COLUMN latitude; ALTER TABLE image DROP COLUMN longitude;
                DROP TRIGGER image_after_delete;
                CREATE VIRTUAL TABLE old USING fts5(text, keywords, compounds, tokenize = "porter unicode61 remove_diacritics 2 tokenchars '_'");
                INSERT INTO old (rowid, text, keywords, compounds) SELECT rowid, text, keywords, compounds FROM descriptionSearch;
                DROP TABLE descriptionSearch;
                ALTER TABLE old RENAME TO descriptionSearch;
                CREATE TRIGGER image_after_delete AFTER DELETE ON image BEGIN DELETE FROM descriptionSearch WHERE rowid = old.id; END;
                """)
        }
        try queue.close()
    }
}

private func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
