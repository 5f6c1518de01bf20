import Foundation
import GlimpseDescribe
import GlimpseIndex
import GlimpseRuntime
import Testing

/// Search while an index run saves images: the vector files of the last finished run are used as they
/// are, not rebuilt after every saved image.
@Suite("Vectors during an index run")
struct RunInProgressVectorsTests {
    /// A store in `folder` with `images` saved (and its files prepared when `prepared`), and a held run lock
    /// standing for a run in progress.
    static func storeDuringRun(_ folder: TemporaryFolder, images: Int, prepared: Bool = true,
                               rebuildLimit: Int) throws -> (SQLiteIndexStore, FileLock) {
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"), rebuildLimitDuringRun: rebuildLimit)
        for index in 0..<images { try save(store, index) }
        if prepared { try store.prepareForSearch() }
        let lock = try #require(try FileLock.tryAcquire(folder.file("index.sqlite.lock")))
        return (store, lock)
    }

    static func save(_ store: SQLiteIndexStore, _ index: Int) throws {
        let angle = Float(index) / 3
        try store.saveDescription(sampleDescription(caption: "photo \(index)", image: [cos(angle), sin(angle)], text: [sin(angle), cos(angle)]),
                                  for: FileFacts(path: "/p/\(index).jpg"))
    }

    @Test("while the run lock is held, stale files are used as they are and marked; after it, they are rebuilt")
    func staleWhileRunning() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var (store, lock): (SQLiteIndexStore, FileLock?) = try Self.storeDuringRun(folder, images: 3, rebuildLimit: 2)
        let file = try #require(store.vectorsFolder?.appending(path: "image.f32"))
        let written = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
        try Self.save(store, 3)
        let during = try store.embeddingMatrix(.image)
        #expect(during.rows == 3 && during.predatesRunInProgress, "the last finished run's rows, marked")
        #expect(during.compact?.rows == 3)
        #expect(try store.embeddingMatrix(.text).predatesRunInProgress)
        try Self.save(store, 4)
        #expect(try store.embeddingMatrix(.image).rows == 3, "still not rebuilt after another image")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == written,
                "the file was not rewritten")
        #expect(lock != nil)
        lock = nil  // the run ends
        let after = try store.embeddingMatrix(.image)
        #expect(after.rows == 5 && !after.predatesRunInProgress)
    }

    @Test("the run itself brings the files up to date when it ends, lock still held")
    func runPreparesFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, lock) = try Self.storeDuringRun(folder, images: 2, rebuildLimit: 0)
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

    @Test("files of at most rebuildLimitDuringRun rows, or none at all, are built during a run: exact answers",
          arguments: [(3, true), (0, false)])
    func smallOrMissingFilesRebuilt(images: Int, prepared: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, lock) = try Self.storeDuringRun(folder, images: images, prepared: prepared, rebuildLimit: 3)
        try Self.save(store, images)
        let matrix = try store.embeddingMatrix(.image)
        #expect(matrix.rows == images + 1 && !matrix.predatesRunInProgress)
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
