import Foundation
import Testing
import GlimpseDescribe
import GlimpseImage
import GRDB
@testable import GlimpseIndex

/// A describer whose disk "fills up" (SQLite's `max_page_count` pinned to the database's size) when it
/// has described `fullAfter` images; its descriptions are long enough to need new pages.
final class FillingDiskDescriber: ImageDescribing, @unchecked Sendable {
    private let base = FakeDescriber()
    private let lock = NSLock()
    private var calls = 0
    let store: SQLiteIndexStore
    let fullAfter: Int

    var callCount: Int { lock.withLock { calls } }

    init(store: SQLiteIndexStore, fullAfter: Int) {
        self.store = store
        self.fullAfter = fullAfter
    }

    func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
        let call = lock.withLock { calls += 1; return calls }
        if call == fullAfter + 1 { try Self.limit(store, toCurrentSize: true) }
        var description = try base.describe(image, mode: mode)
        description.text += String(repeating: " and a long description", count: 2_000)
        return description
    }

    /// Pins the writer's page budget to the database's size, or lifts it.
    static func limit(_ store: SQLiteIndexStore, toCurrentSize: Bool) throws {
        try store.database.writer.writeWithoutTransaction { db in
            let pages = toCurrentSize ? try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1 : 1_073_741_823
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
    }
}

@Suite("A full disk during an index run")
struct DiskFullTests {
    @Test("stops the run with a clear error; what was saved stays, no image is marked failed, and the next run continues")
    func fullDisk() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for index in 0..<5 {
            try folder.writePNG("img\(index).png", red: UInt8(40 * index), green: 250, blue: 0)
        }
        let store = try SQLiteIndexStore(url: folder.file("index/index.sqlite"))
        let describer = FillingDiskDescriber(store: store, fullAfter: 2)
        let error = await #expect(throws: IndexError.self) {
            try await Indexer(store: store, describer: describer).run([folder.path])
        }
        guard case .diskFull(let path, _)? = error else {
            Issue.record("expected diskFull, got \(String(describing: error))")
            return
        }
        #expect(path == folder.file("index/index.sqlite").path)
        let message = try #require(error?.localizedDescription)
        #expect(message.contains("is full") && message.contains("continues where it stopped"))
        // Stopped at the third image, whose save failed: no model time was spent on the last two.
        #expect(describer.callCount == 3)
        var summary = try store.summary()
        #expect(summary.counts[.full] == 2)
        #expect(summary.counts[.failed, default: 0] == 0)
        #expect(summary.counts[.pending] == 3)

        try FillingDiskDescriber.limit(store, toCurrentSize: false)
        let resumed = try await Indexer(store: store, describer: FakeDescriber()).run([folder.path])
        #expect(resumed.described == 3 && resumed.failures.isEmpty && resumed.plan.unchanged == 2)
        summary = try store.summary()
        #expect(summary.counts[.full] == 5)
    }

    @Test("SQLite's 'database or disk is full' becomes IndexError.diskFull, other errors stay as they were")
    func wrapping() throws {
        #expect(throws: IndexError.diskFull(path: "/i.sqlite", operation: "saving")) {
            try IndexError.wrapping("saving", path: "/i.sqlite") { throw DatabaseError(resultCode: .SQLITE_FULL) }
        }
        #expect(IndexError.diskFull(path: nil, operation: "x").isStoreFailure)
        #expect(!IndexError.unreadableFile(path: "/a.jpg", reason: "gone").isStoreFailure)
        #expect(throws: IndexError.database(operation: "saving", reason: "\(DatabaseError(resultCode: .SQLITE_BUSY))")) {
            try IndexError.wrapping("saving") { throw DatabaseError(resultCode: .SQLITE_BUSY) }
        }
    }
}
