import Foundation
import GlimpseDescribe
import GlimpseRuntime
import GRDB
import Testing
@testable import GlimpseIndex

/// `IndexBackup`: backups taken from a live index, and their restore, with every refusal leaving the index as it was.
@Suite("index backup and restore")
struct IndexBackupTests {
    static let now = Date(timeIntervalSince1970: 1_796_302_400)  // 2026-12-03 12:53:20 UTC

    /// A store at `folder/name` holding `count` described images `/photos/N.jpg`, with embeddings.
    static func store(in folder: TemporaryFolder, _ name: String = "index.sqlite", count: Int, from first: Int = 0) throws -> SQLiteIndexStore {
        let store = try SQLiteIndexStore(url: folder.file(name))
        try add(to: store, (first..<first + count))
        return store
    }

    static func add(to store: SQLiteIndexStore, _ range: Range<Int>) throws {
        for index in range {
            let description = sampleDescription(caption: "photo number \(index) of a dog", regions: ["a red ball"], keywords: ["dog"],
                                                image: unit([Float(index + 1), 1, 0]), text: unit([1, Float(index), 2]),
                                                regionVector: unit([0, 1, Float(index)]))
            try store.saveDescription(description, for: FileFacts(path: "/photos/\(index).jpg", size: 10, modified: 1, contentHash: "h\(index)"))
        }
    }

    static func paths(_ store: SQLiteIndexStore) throws -> [String] {
        try store.images(under: ["/"]).map(\.facts.path).sorted()
    }

    @Test("a backup is one checked file with every description and embedding, and a database id of its own")
    func backUp() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try Self.store(in: folder, count: 3)
        _ = try store.embeddingMatrix(.image)  // the vectors folder exists and is not copied
        let backups = folder.file("backups")
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)

        let report = try IndexBackup.write(store, to: backups, now: Self.now)
        #expect(report.path == backups.appending(path: "index-20261203-125320.sqlite").path)
        #expect(report.images == 3 && report.bytes > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups.path) == ["index-20261203-125320.sqlite"],
                "one file: no journal, no temporary file left")
        let header = try Data(contentsOf: URL(filePath: report.path)).prefix(20)
        #expect(header[18] == 1 && header[19] == 1, "a rollback-journal file, not WAL: it stands alone")
        let queue = try DatabaseQueue(path: report.path)
        let metadata = try queue.read { try Dictionary(uniqueKeysWithValues: Row.fetchAll($0, sql: "SELECT key, value FROM metadata").map { ($0[0] as String, $0[1] as String) }) }
        try queue.close()
        #expect(metadata["backupOf"] == store.url?.path && metadata["backupAt"] == "2026-12-03T12:53:20Z")

        let copy = try SQLiteIndexStore(url: URL(filePath: report.path))
        #expect(copy.databaseID != store.databaseID, "embedding files of the original are never taken for the copy's")
        #expect(try Self.paths(copy) == Self.paths(store))
        for image in try store.images(under: ["/"]) {
            #expect(try copy.description(of: image.id) == store.description(of: image.id))
        }
        #expect(try copy.embeddingMatrix(.image).rows == 3)
        #expect(try copy.embeddingMatrix(.region).rows == 3)

        let second = try IndexBackup.write(store, to: backups, now: Self.now)
        #expect(second.path == backups.appending(path: "index-20261203-125320-2.sqlite").path, "a second backup in the same second")
    }

    @Test("pruning keeps the newest dated backups and never touches another file")
    func prune() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let dated = ["index-20261201-230000.sqlite", "index-20261202-230000.sqlite", "index-20261202-230000-2.sqlite", "index-20261203-230000.sqlite"]
        let others = ["notes.txt", "index-latest.sqlite", "index-2026120-230000.sqlite", "index-20261130-23000x.sqlite",
                      "my-index-20261101-000000.sqlite", "index-20261101-000000-1.sqlite", "index-20261101-000000-x.sqlite"]
        for name in dated + others { try Data("x".utf8).write(to: folder.file(name)) }
        #expect(try IndexBackup.prune(folder.url, keeping: 5).isEmpty)
        #expect(try IndexBackup.prune(folder.url, keeping: 3) == [folder.file(dated[0]).path])
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(dated.dropFirst() + others))
        #expect(try IndexBackup.prune(folder.url, keeping: 1) == [folder.file(dated[1]).path, folder.file(dated[2]).path],
                "the second backup of a second is the newer")
    }

    @Test("an existing file is kept unless replacing is asked for; the index itself is never a destination")
    func existingDestination() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try Self.store(in: folder, count: 2)
        let target = folder.file("backup.sqlite")
        try Data("precious".utf8).write(to: target)
        let error = try #require(throws: IndexError.self) { try IndexBackup.write(store, to: target) }
        #expect(error.localizedDescription.contains("--force") && error.localizedDescription.contains(target.path))
        #expect(try Data(contentsOf: target) == Data("precious".utf8))

        #expect(try IndexBackup.write(store, to: target, overwrite: true).images == 2)
        #expect(try Self.paths(SQLiteIndexStore(url: target)).count == 2)

        let itself = try #require(throws: IndexError.self) { try IndexBackup.write(store, to: try #require(store.url), overwrite: true) }
        #expect(itself.localizedDescription.contains("the index itself"))
        #expect(try Self.paths(store).count == 2)
        let missing = try #require(throws: IndexError.self) { try IndexBackup.write(store, to: folder.file("no/such/folder/b.sqlite")) }
        #expect(missing.localizedDescription.contains("Cannot back up"), "\(missing)")
    }

    @Test("a backup taken while another connection saves images is one consistent snapshot")
    func whileWriting() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try Self.store(in: folder, count: 200)
        let writer = try SQLiteIndexStore(url: try #require(store.url))  // as an index run in another process would
        let saving = Task.detached { try Self.add(to: writer, 200..<400) }
        var reports: [IndexBackup.BackupReport] = []
        for round in 0..<3 {
            reports.append(try IndexBackup.write(store, to: folder.file("backup-\(round).sqlite")))
        }
        try await saving.value
        for report in reports {
            #expect((200...400).contains(report.images))
            let copy = try SQLiteIndexStore(url: URL(filePath: report.path))
            #expect(try Self.paths(copy).count == report.images)
            #expect(try copy.embeddingMatrix(.image).rows == report.images, "each image's embeddings came with it")
        }
    }

    @Test("a damaged index gives a damaged error and no backup file")
    func damagedSource() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        do {
            let store = try Self.store(in: folder, count: 300)
            try store.checkpoint()
        }
        let queue = try DatabaseQueue(path: url.path)
        let root = try #require(try queue.read { try Int.fetchOne($0, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'description'") })
        try queue.close()
        let handle = try FileHandle(forUpdating: url)
        try handle.seek(toOffset: UInt64((root - 1) * 4096))
        try handle.write(contentsOf: Data(repeating: 0xAB, count: 4096))
        try handle.close()

        let target = folder.file("backups/b.sqlite")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let error = try #require(throws: IndexError.self) { try IndexBackup.write(try SQLiteIndexStore(url: url), to: target) }
        guard case .damaged(let path, _, _) = error else {
            Issue.record("expected .damaged, got \(error)")
            return
        }
        #expect(path == url.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path).isEmpty)
    }

    @Test("restore puts the backup in place, keeps the index it replaces, and drops its embedding files")
    func restore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = folder.file("index.sqlite")
        let backup = folder.file("backup.sqlite")
        do {
            let store = try Self.store(in: folder, count: 3)
            _ = try IndexBackup.write(store, to: backup)
            try Self.add(to: store, 3..<5)
            _ = try store.embeddingMatrix(.image)
            #expect(FileManager.default.fileExists(atPath: index.path + ".vectors"))
        }
        let report = try IndexBackup.restore(from: backup, to: index, now: Self.now)
        #expect(report.images == 3 && report.index == index.path && report.backup == backup.path)
        #expect(report.previous == index.path + ".before-restore-20261203-125320")
        #expect(!FileManager.default.fileExists(atPath: index.path + ".vectors"))

        let restored = try SQLiteIndexStore(url: index)
        #expect(try Self.paths(restored) == ["/photos/0.jpg", "/photos/1.jpg", "/photos/2.jpg"])
        #expect(try restored.embeddingMatrix(.image).rows == 3)
        let previous = try SQLiteIndexStore(url: URL(filePath: try #require(report.previous)))
        #expect(try Self.paths(previous).count == 5, "nothing of the replaced index is lost")
        let backupCopy = try SQLiteIndexStore(url: backup)
        #expect(restored.databaseID != backupCopy.databaseID, "restoring the same backup twice never shares embedding files")

        let again = try IndexBackup.restore(from: backup, to: index, now: Self.now)
        #expect(again.previous == index.path + ".before-restore-20261203-125320-2", "a second restore in the same second")
        let fresh = try IndexBackup.restore(from: backup, to: folder.file("new/index.sqlite"))
        #expect(fresh.previous == nil && fresh.images == 3)
    }

    @Test("a process that still has the replaced index open, closing it, leaves the restored index and its log alone")
    func openDuringRestore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = folder.file("index.sqlite")
        let backup = folder.file("backup.sqlite")
        var old: SQLiteIndexStore? = try Self.store(in: folder, count: 2)  // as a server would hold it
        _ = try IndexBackup.write(try #require(old), to: backup)
        try Self.add(to: try #require(old), 2..<3)
        #expect(try old?.describedImageCount() == 3)

        _ = try IndexBackup.restore(from: backup, to: index)
        let restored = try SQLiteIndexStore(url: index)
        #expect(old?.isReplacedOnDisk == true && !restored.isReplacedOnDisk)
        try Self.add(to: restored, 10..<12)  // left in the write-ahead log, not yet in the database file
        #expect(FileManager.default.fileExists(atPath: index.path + "-wal"))
        old = nil  // the old connections close (SQLite deletes a log by its name when the last one closes)
        #expect(FileManager.default.fileExists(atPath: index.path + "-wal"))
        #expect(try SQLiteIndexStore(url: index).describedImageCount() == 4, "another process sees the restored index with its new images")
        withExtendedLifetime(restored) {}
    }

    @Test("restore refuses what is not a whole index, the index itself, and a running index run; the index stays as it was",
          arguments: ["text file", "truncated", "empty SQLite", "missing", "folder", "itself", "run in progress"])
    func restoreRefusals(_ kind: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = folder.file("index.sqlite")
        let good = folder.file("good.sqlite")
        do {
            let store = try Self.store(in: folder, count: 3)
            _ = try IndexBackup.write(store, to: good)
            try Self.add(to: store, 3..<4)
            try store.checkpoint()
        }
        var candidate = folder.file("candidate.sqlite")
        var lock: FileLock?
        switch kind {
        case "text file": try Data("{\"path\": \"a.jpg\"}\n".utf8).write(to: candidate)
        case "truncated": try Data(contentsOf: good).prefix(4096 * 3).write(to: candidate)
        case "empty SQLite": try DatabaseQueue(path: candidate.path).write { try $0.execute(sql: "CREATE TABLE other (x)") }
        case "missing": break
        case "folder": try FileManager.default.createDirectory(at: candidate, withIntermediateDirectories: true)
        case "itself": candidate = index
        default:
            candidate = good
            lock = try FileLock.tryAcquire(URL(filePath: index.path + ".lock"))
        }
        let before = try Data(contentsOf: index)
        let error = try #require(throws: IndexError.self) { try IndexBackup.restore(from: candidate, to: index) }
        if kind == "run in progress" {
            #expect(error == .runInProgress(path: index.path, holder: getpid()))
        } else {
            #expect(error.localizedDescription.contains("Cannot restore") && error.localizedDescription.contains("unchanged"), "\(error)")
        }
        withExtendedLifetime(lock) {}
        #expect(try Data(contentsOf: index) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("before-restore") || $0.hasSuffix(".tmp") }.isEmpty)
        #expect(try Self.paths(SQLiteIndexStore(url: index)).count == 4)
    }

    @Test("backup and restore are refused before writing anything when the disk cannot hold the copy; enough room goes ahead")
    func notEnoughSpace() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = folder.file("index.sqlite")
        let backup = folder.file("backup.sqlite")
        let store = try Self.store(in: folder, count: 200)
        let used = try store.database.writer.read { db in
            try #require(try Int64.fetchOne(db, sql: "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size"))
        }
        #expect((IndexBackup.availableBytes(in: folder.url) ?? 0) > 0, "statvfs tells the real free space")
        var asked: [String] = []
        let short = { (folder: URL) -> Int64? in asked.append(folder.path); return used - 1 }
        let error = try #require(throws: IndexError.self) {
            try IndexBackup.write(store, to: backup, overwrite: false, now: Self.now, availableBytes: short)
        }
        #expect(error.localizedDescription.contains("not enough free space") && error.localizedDescription.contains(folder.path), "\(error)")
        #expect(asked == [folder.path], "the free space of the backup's disk")
        #expect(!FileManager.default.fileExists(atPath: backup.path))

        _ = try IndexBackup.write(store, to: backup, overwrite: false, now: Self.now, availableBytes: { _ in used })
        try Self.add(to: store, 200..<201)
        try store.checkpoint()
        let before = try Data(contentsOf: index)
        let refused = try #require(throws: IndexError.self) {
            try IndexBackup.restore(from: backup, to: index, now: Self.now, availableBytes: { _ in 4096 })
        }
        #expect(refused.localizedDescription.contains("Cannot restore") && refused.localizedDescription.contains("not enough free space"), "\(refused)")
        #expect(try Data(contentsOf: index) == before)
        #expect(try IndexBackup.restore(from: backup, to: index, now: Self.now, availableBytes: { _ in nil }).images == 200,
                "unknown free space does not stop it")
    }
}
