import Foundation
import GlimpseDescribe
@testable import GlimpseIndex
import GlimpseRuntime
import Testing

/// Search while an index run saves images: the vector files of the last finished run are used as they
/// are, not rebuilt after every saved image.
@Suite("Vectors during an index run")
struct RunInProgressVectorsTests {
    static func save(_ store: SQLiteIndexStore, _ index: Int) throws {
        let angle = Float(index) / 3
        try store.saveDescription(sampleDescription(caption: "photo \(index)", image: [cos(angle), sin(angle)], text: [sin(angle), cos(angle)]),
                                  for: FileFacts(path: "/p/\(index).jpg"))
    }

    @Test("while the run lock is held, stale files are used as they are and marked; after it, they are rebuilt")
    func staleWhileRunning() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"), rebuildLimitDuringRun: 2)
        for index in 0..<3 { try Self.save(store, index) }
        try store.prepareForSearch()
        let file = try #require(store.vectorsFolder?.appending(path: "image.f32"))
        let written = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date

        let lockURL = try #require(store.runLockURL)
        var lock = try FileLock.tryAcquire(lockURL)  // a run in progress
        #expect(lock != nil)
        try Self.save(store, 3)
        let during = try store.embeddingMatrix(.image)
        #expect(during.rows == 3 && during.predatesRunInProgress, "the last finished run's rows, marked")
        #expect(during.compact?.rows == 3)
        #expect(try store.embeddingMatrix(.text).predatesRunInProgress)
        try Self.save(store, 4)
        #expect(try store.embeddingMatrix(.image).rows == 3, "still not rebuilt after another image")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == written,
                "the file was not rewritten")

        lock = nil  // the run ends
        let after = try store.embeddingMatrix(.image)
        #expect(after.rows == 5 && !after.predatesRunInProgress)
    }

    @Test("the run itself brings the files up to date when it ends, lock still held")
    func runPreparesFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"), rebuildLimitDuringRun: 0)
        for index in 0..<2 { try Self.save(store, index) }
        try store.prepareForSearch()
        let lockURL = try #require(store.runLockURL)
        let lock = try FileLock.tryAcquire(lockURL)
        #expect(lock != nil)
        try Self.save(store, 2)
        try store.prepareForSearch()  // as `Indexer.run` does before it lets go of the lock
        for kind in [EmbeddingKind.image, .text] {
            let matrix = try store.embeddingMatrix(kind)
            #expect(matrix.rows == 3 && !matrix.predatesRunInProgress, "\(kind)")
        }
        let reopened = try SQLiteIndexStore(url: folder.file("index.sqlite"))  // another process: the files are current
        #expect(try reopened.embeddingMatrix(.image).rows == 3)
        withExtendedLifetime(lock) {}
    }

    @Test("a run in progress on an index with no vector files yet: they are built from the database")
    func noFilesYet() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"), rebuildLimitDuringRun: 0)
        let lockURL = try #require(store.runLockURL)
        let lock = try FileLock.tryAcquire(lockURL)
        #expect(lock != nil)
        for index in 0..<2 { try Self.save(store, index) }
        let matrix = try store.embeddingMatrix(.image)
        #expect(matrix.rows == 2 && !matrix.predatesRunInProgress)
        withExtendedLifetime(lock) {}
    }

    @Test("files of at most rebuildLimitDuringRun rows are rebuilt during a run: exact answers")
    func smallFilesRebuilt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"), rebuildLimitDuringRun: 3)
        for index in 0..<3 { try Self.save(store, index) }
        try store.prepareForSearch()
        let lockURL = try #require(store.runLockURL)
        let lock = try FileLock.tryAcquire(lockURL)
        #expect(lock != nil)
        try Self.save(store, 3)
        let matrix = try store.embeddingMatrix(.image)
        #expect(matrix.rows == 4 && !matrix.predatesRunInProgress)
        withExtendedLifetime(lock) {}
    }

    @Test("isHeld tells a held lock from a free or missing one, and never creates the file")
    func isHeld() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite.lock")
        #expect(!FileLock.isHeld(url))
        #expect(!FileManager.default.fileExists(atPath: url.path))
        var lock = try FileLock.tryAcquire(url)
        #expect(lock != nil && FileLock.isHeld(url))
        lock = nil
        #expect(!FileLock.isHeld(url))
    }
}
