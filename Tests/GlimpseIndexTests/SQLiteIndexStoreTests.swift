import Foundation
import GlimpseDescribe
import GlimpseRuntime
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("SQLite index store")
struct SQLiteIndexStoreTests {
    @Test("a new database is created and migrated; reopening keeps its rows and id")
    func migrationsFromEmpty() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("nested/index.sqlite")
        let store = try SQLiteIndexStore(url: url)
        let tables = try store.read("test") { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")
        }
        for table in ["image", "description", "region", "keyword", "embedding", "descriptionSearch", "metadata", "embeddingGeneration"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        let journal = try store.read("test") { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        try store.saveDescription(sampleDescription(caption: "a cat"), for: FileFacts(path: "/p/cat.jpg"))
        let reopened = try SQLiteIndexStore(url: url)
        #expect(try reopened.describedImageCount() == 1)
        #expect(reopened.databaseID == store.databaseID)
        let applied = try reopened.read("test") { try IndexDatabase.migrator.appliedIdentifiers($0) }
        #expect(applied == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12"])
    }

    @Test("several processes opening the same new index at once all succeed (one of them migrates it)")
    func concurrentFirstOpen() throws {
        for round in 0..<5 {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let url = folder.file("index.sqlite")
            let failures = Locked<[String]>([])
            // Separate pools are separate connections: to SQLite's locks they are separate processes.
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try SQLiteIndexStore(url: url) } catch { failures.withLock { $0.append("\(error)") } }
            }
            #expect(failures.withLock { $0 }.isEmpty, "round \(round)")
            let applied = try SQLiteIndexStore(url: url).read("test") { try IndexDatabase.migrator.appliedIdentifiers($0) }
            #expect(applied == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12"])
        }
    }

    @Test("a database from a newer Glimpse is refused with a clear error")
    func newerSchema() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        _ = try SQLiteIndexStore(url: url)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        try queue.close()
        #expect(throws: IndexError.newerSchema(path: url.path)) { try SQLiteIndexStore(url: url) }
    }

    @Test("a file that is not a database gives a clear error")
    func notADatabase() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: url)
        let error = try #require(throws: IndexError.self) { try SQLiteIndexStore(url: url) }
        #expect(error.localizedDescription.contains("--index PATH"))
    }

    @Test("a database damaged on disk gives an error that says so, names the file and how to rebuild it",
          arguments: ["all but the first page", "the image table's root page"])
    func damagedDatabase(damage: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        do {
            let store = try SQLiteIndexStore(url: url)
            try store.addPending((0..<200).map { FileFacts(path: "/photos/\($0).jpg", size: 1, modified: 1, format: "JPEG") })
            try store.checkpoint()
        }
        // Pages overwritten as a disk fault would: SQLite notices the first kind of damage when it opens
        // the file, the second when it reads the images.
        let range: Range<Int>
        let size = Int(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber ?? 0)
        if damage == "all but the first page" {
            range = 4096..<size
        } else {
            let queue = try DatabaseQueue(path: url.path)
            let root = try #require(try queue.read { try Int.fetchOne($0, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'image'") })
            try queue.close()
            range = (root - 1) * 4096..<root * 4096
        }
        #expect(range.count >= 4096 && range.upperBound <= size)
        let handle = try FileHandle(forUpdating: url)
        try handle.seek(toOffset: UInt64(range.lowerBound))
        try handle.write(contentsOf: Data(repeating: 0xAB, count: range.count))
        try handle.close()

        let error = try #require(throws: IndexError.self) { try SQLiteIndexStore(url: url).summary() }
        guard case let .damaged(path, operation, reason) = error else {
            Issue.record("expected .damaged, got \(error)")
            return
        }
        #expect(path == url.path && reason.contains("malformed"), "\(error)")
        #expect((operation == "opening it") == (damage == "all but the first page"), "\(error)")
        #expect(error.localizedDescription.contains("glimpse index"))
    }

    @Test("a saved description reads back whole: documents, regions, keywords, embeddings")
    func saveAndRead() throws {
        let store = try SQLiteIndexStore.inMemory()
        let description = sampleDescription(caption: "a dog on a sofa", regions: ["a knife on a cutting board"],
                                            keywords: ["dog", "sofa", "knife"], compounds: ["cutting-board"],
                                            image: unit([1, 2, 3]), text: unit([3, 2, 1]), regionVector: unit([0, 1, 0]))
        let id = try store.saveDescription(description, for: FileFacts(path: "/p/dog.jpg", size: 10, modified: 5, contentHash: "h"))
        #expect(try store.description(of: id) == description)
        let document = try #require(try store.searchDocuments([id, 999]).first)
        #expect(document.path == "/p/dog.jpg")
        #expect(document.caption == "a dog on a sofa")
        #expect(document.keywords == ["dog", "sofa", "knife"])
        #expect(document.compounds == ["cutting-board"])
        #expect(document.regions == [SearchRegion(box: PixelBox(x: 0, y: 0, width: 10, height: 10), caption: "a knife on a cutting board")])
        #expect(try store.searchDocuments([999]).isEmpty)
        let image = try #require(try store.image(atPath: "/p/dog.jpg"))
        #expect(image.status == .full)
        #expect(image.facts.contentHash == "h")

        // Saving again replaces, never duplicates.
        try store.saveDescription(description, for: FileFacts(path: "/p/dog.jpg", size: 11, modified: 6))
        #expect(try store.describedImageCount() == 1)
        #expect(try store.embeddingMatrix(.region).rows == 1)
        #expect(try store.image(atPath: "/p/dog.jpg")?.facts.contentHash == "h")
    }

    @Test("full-text search ranks by BM25, stems words and matches compounds as one token")
    func fullText() throws {
        let store = try SQLiteIndexStore.inMemory()
        let knife = try store.saveDescription(
            sampleDescription(caption: "a cat and a dog next to a knife", regions: ["a knife on a cutting board"],
                              keywords: ["cat", "dog", "knife", "cutting", "board"], compounds: ["cutting-board"]),
            for: FileFacts(path: "/p/1.jpg"))
        let board = try store.saveDescription(
            sampleDescription(caption: "a board of cutting tools", keywords: ["board", "cutting", "tool"]),
            for: FileFacts(path: "/p/2.jpg"))
        let dogs = try store.saveDescription(sampleDescription(caption: "two dogs running"), for: FileFacts(path: "/p/3.jpg"))

        let compound = try store.fullTextMatches(try #require(FullTextExpression(anyOf: [], compounds: ["cutting-board"])), limit: 10)
        #expect(compound.map(\.image) == [knife])
        let phrase = try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["cutting board"])), limit: 10)
        #expect(phrase.map(\.image) == [knife])
        let words = try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["board"])), limit: 10)
        #expect(Set(words.map(\.image)) == [knife, board])
        #expect(words.allSatisfy { $0.score > 0 })
        let stemmed = try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["dog"])), limit: 10)
        #expect(Set(stemmed.map(\.image)) == [knife, dogs])
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["dog"])), limit: 1).count == 1)
        #expect(FullTextExpression.compoundToken("Blue Collar") == "blue_collar")
        #expect(FullTextExpression.compoundToken("cutting--board") == "cutting_board")
    }

    @Test("hostile query text stays plain words: no operator, column filter, prefix or NEAR applies")
    func ftsSafety() throws {
        let store = try SQLiteIndexStore.inMemory()
        let id = try store.saveDescription(sampleDescription(caption: "a red car near a tree"), for: FileFacts(path: "/p/car.jpg"))
        try store.saveDescription(sampleDescription(caption: "a blue boat"), for: FileFacts(path: "/p/boat.jpg"))
        let hostile = ["\"", "\"red\" OR \"boat\"", "NOT red", "red AND boat", "text: boat", "caption:red", "bo*", "^red",
                       "NEAR(red tree)", "red\" OR \"boat", "(", ")", "*", "-red", "keywords : boat", "'; DROP TABLE image; --"]
        for text in hostile {
            let expression = try #require(FullTextExpression(anyOf: [text]))
            let matches = try store.fullTextMatches(expression, limit: 10)  // never a syntax error
            if !text.lowercased().contains("boat") { #expect(matches.allSatisfy { $0.image == id }, "\(text)") }
        }
        // "bo*" must not be a prefix query: nothing is called "bo".
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["bo*"])), limit: 10).isEmpty)
        // "red AND boat" is a phrase of three words, found nowhere.
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["red AND boat"])), limit: 10).isEmpty)
        // "NEAR(red tree)" is the phrase "near red tree", found nowhere ("near a tree" is in the text).
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["NEAR(red tree)"])), limit: 10).isEmpty)
        // "text: boat" is the phrase "text boat", not a column filter.
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["text: boat"])), limit: 10).isEmpty)
        #expect(try store.describedImageCount() == 2)
    }

    @Test("embedding matrices: rows per kind, sidecar files reused until a write makes them stale")
    func embeddingSidecars() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let first = try store.saveDescription(
            sampleDescription(caption: "one", regions: ["r1", "r2"], image: unit([1, 0, 0]), text: unit([0, 1]), regionVector: unit([1, 1, 0])),
            for: FileFacts(path: "/p/1.jpg"))
        let matrix = try store.embeddingMatrix(.image)
        #expect(matrix.rows == 1 && matrix.dimension == 3)
        #expect(matrix.rowImages == [first])
        let file = try #require(store.vectorsFolder?.appending(path: "image.f32"))
        #expect(FileManager.default.fileExists(atPath: file.path))
        let regions = try store.embeddingMatrix(.region)
        #expect(regions.rows == 2 && regions.rowRegions == [0, 1])

        // A second store on the same file maps the sidecar written by the first.
        let other = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let modified = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
        #expect(try other.embeddingMatrix(.image).withValues { Array($0) } == unit([1, 0, 0]))
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == modified)

        // A write makes both stores see two rows; the old matrix keeps its values.
        let second = try other.saveDescription(sampleDescription(caption: "two", image: unit([0, 1, 0])), for: FileFacts(path: "/p/2.jpg"))
        let grown = try store.embeddingMatrix(.image)
        #expect(grown.rowImages == [first, second])
        #expect(grown.withValues { Array($0) } == unit([1, 0, 0]) + unit([0, 1, 0]))
        #expect(matrix.withValues { Array($0) } == unit([1, 0, 0]))

        // Deleting (a cascade from the image row) bumps the generation too.
        try store.removeImages([first])
        #expect(try other.embeddingMatrix(.image).rowImages == [second])
        #expect(try other.embeddingMatrix(.region).rows == 0)

        // A damaged sidecar is rebuilt, not trusted.
        try Data(repeating: 7, count: 100).write(to: file)
        let fresh = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        #expect(try fresh.embeddingMatrix(.image).rowImages == [second])
    }

    @Test("copy, move and remove keep derived rows consistent")
    func copyMoveRemove() throws {
        let store = try SQLiteIndexStore.inMemory()
        let source = try store.saveDescription(
            sampleDescription(caption: "a lighthouse", regions: ["a gull"], keywords: ["lighthouse"], compounds: ["stone-tower"],
                              image: unit([1, 1]), regionVector: unit([1, 0])),
            for: FileFacts(path: "/p/a.jpg", size: 1, modified: 1, contentHash: "x"))
        let copy = try store.copyDescription(of: source, to: FileFacts(path: "/p/b.jpg", size: 1, modified: 2, contentHash: "x"))
        #expect(copy != source)
        #expect(try store.description(of: copy) == store.description(of: source))
        #expect(try store.embeddingMatrix(.image).rows == 2)
        #expect(Set(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["lighthouse"])), limit: 5).map(\.image)) == [source, copy])

        try store.addPending([FileFacts(path: "/p/c.jpg", size: 3, modified: 3)])
        try store.moveImage(source, to: FileFacts(path: "/p/c.jpg", size: 1, modified: 4))
        #expect(try store.image(atPath: "/p/c.jpg")?.id == source)
        #expect(try store.image(atPath: "/p/a.jpg") == nil)
        #expect(try store.images(under: ["/p"]).count == 2)
        #expect(try store.images(under: ["/p/"]).count == 2)
        #expect(try store.images(under: ["/q"]).isEmpty)

        try store.recordFailure("broken", for: FileFacts(path: "/p/b.jpg", size: 1, modified: 5))
        #expect(try store.image(atPath: "/p/b.jpg")?.status == .failed)
        #expect(try store.searchDocuments([copy]).isEmpty)
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["lighthouse"])), limit: 5).map(\.image) == [source])
        try store.removeImages([source, copy])
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["lighthouse"])), limit: 5).isEmpty)
        #expect(try store.summary().total == 0)
    }
}
