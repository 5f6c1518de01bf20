import Foundation
import GlimpseDescribe
import GlimpseRuntime
import Testing
@testable import GlimpseIndex

@Suite("Indexer")
struct IndexerTests {
    /// Sets file times to a fixed past date so that a rewrite within the same second is still seen as a change.
    func age(_ path: String, by seconds: Double = 3600) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: path)
    }

    @Test("add, unchanged, change, rename, delete and duplicate content")
    func incremental() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let photos = folder.file("photos").path
        let red = try folder.writePNG("photos/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/sub/green.png", red: 0, green: 250, blue: 0)
        try Data("not an image".utf8).write(to: folder.file("photos/notes.txt"))
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)

        // Add.
        var report = try await indexer.run([photos])
        #expect(report.described == 2 && report.plan.found == 2 && report.failures.isEmpty)
        #expect(describer.callCount == 2)
        #expect(try store.describedImageCount() == 2)
        #expect(try store.read("test") { try store.currentPostings($0) } != nil, "a finished run prepares full-text search")
        let redID = try #require(try store.image(atPath: red)?.id)

        // Unchanged: nothing described.
        report = try await indexer.run([photos])
        #expect(report.plan.unchanged == 2 && report.processed == 0)
        #expect(describer.callCount == 2)

        // Change: same path, new content → described again, same id.
        try folder.writePNG("photos/red.png", red: 0, green: 0, blue: 250)
        try age(red)
        report = try await indexer.run([photos])
        #expect(report.described == 1 && describer.callCount == 3)
        #expect(try store.image(atPath: red)?.id == redID)
        #expect(try store.searchDocuments([redID]).first?.caption == "a photo of a blue square")

        // Touch only: dates differ, content same → not described.
        try age(red, by: 7200)
        report = try await indexer.run([photos])
        #expect(report.plan.unchanged == 2 && describer.callCount == 3)

        // Rename: recognised by content hash, not described; the id is kept.
        let renamed = folder.file("photos/renamed/blue.png").path
        try FileManager.default.createDirectory(atPath: folder.file("photos/renamed").path, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: red, toPath: renamed)
        report = try await indexer.run([photos])
        #expect(report.moved == 1 && report.removed == 0 && describer.callCount == 3)
        #expect(try store.image(atPath: renamed)?.id == redID)
        #expect(try store.image(atPath: red) == nil)

        // Duplicate content at a second path: its own entry, description copied, not described.
        let copy = folder.file("photos/copy-of-blue.png").path
        try FileManager.default.copyItem(atPath: renamed, toPath: copy)
        report = try await indexer.run([photos])
        #expect(report.copied == 1 && describer.callCount == 3)
        let copyID = try #require(try store.image(atPath: copy)?.id)
        #expect(copyID != redID)
        #expect(try store.description(of: copyID) == store.description(of: redID))
        #expect(try store.embeddingMatrix(.image).rows == 3)

        // Delete: the entry goes, the duplicate stays.
        try FileManager.default.removeItem(atPath: renamed)
        report = try await indexer.run([photos])
        #expect(report.removed == 1)
        #expect(try store.image(atPath: renamed) == nil)
        #expect(try store.image(atPath: copy)?.status == .full)
        #expect(try store.describedImageCount() == 2)
        #expect(try store.embeddingMatrix(.image).rows == 2)
    }

    @Test("a corrupt file among good ones is recorded as failed; the run goes on and retries it only when it changes")
    func corruptFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a.png", red: 250, green: 0, blue: 0)
        var corrupt = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        corrupt.append(Data(repeating: 0x13, count: 200))
        try corrupt.write(to: folder.file("b.png"))
        try folder.writePNG("c.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("d.png", red: 250, green: 250, blue: 0)
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber(failOnColor: "yellow")
        let report = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(report.described == 2)
        #expect(report.failures.map(\.path).sorted() == [folder.file("b.png").path, folder.file("d.png").path])
        #expect(report.failures.contains { $0.message.contains("refuses yellow") })
        let summary = try store.summary()
        #expect(summary.counts[.failed] == 2 && summary.counts[.full] == 2)
        #expect(summary.recentErrors.count == 2)
        #expect(summary.models.map(\.model.identifier) == ["fake/captioner"])

        let again = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(again.processed == 0 && again.plan.unchanged == 4)
        let retried = try await Indexer(store: store, describer: describer, options: IndexOptions(retryFailed: true)).run([folder.path])
        #expect(retried.failures.count == 2)
    }

    @Test("a file named like an image that is empty or holds no image is reported as failed; other files are ignored")
    func damagedPhotos() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a.png", red: 250, green: 0, blue: 0)
        try Data().write(to: folder.file("empty.JPG"))
        try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 989) }).write(to: folder.file("garbage.jpeg"))
        try Data("not an image".utf8).write(to: folder.file("notes.txt"))
        try Data().write(to: folder.file("a.png.xmp"))
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber()
        let report = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(report.described == 1 && report.plan.found == 3)
        #expect(report.failures.map(\.path).sorted() == [folder.file("empty.JPG").path, folder.file("garbage.jpeg").path])
        #expect(report.failures.first { $0.path.hasSuffix("empty.JPG") }?.message.contains("empty (0 bytes)") == true,
                "\(report.failures)")
        #expect(report.failures.first { $0.path.hasSuffix("garbage.jpeg") }?.message.contains("is not a JPEG, PNG") == true,
                "\(report.failures)")
        #expect(describer.callCount == 1)

        // Unchanged damaged files are not read again; a repaired one is described.
        let again = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(again.processed == 0 && again.plan.unchanged == 3)
        try folder.writePNG("empty.JPG", red: 0, green: 0, blue: 250)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: folder.file("empty.JPG").path)
        let repaired = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(repaired.described == 1 && repaired.failures.isEmpty)
        #expect(try store.summary().counts[.failed] == 1)
    }

    @Test("a run on an index whose run lock is held is refused with the holder's process id; a store in memory needs no lock")
    func runLock() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/a.png", red: 250, green: 0, blue: 0)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let lockURL = try #require(store.runLockURL)
        #expect(lockURL.path == folder.file("index.sqlite").path + ".lock")
        let indexer = Indexer(store: store, describer: FakeDescriber())
        do {
            let held = try #require(try FileLock.tryAcquire(lockURL))
            #expect(try FileLock.tryAcquire(lockURL) == nil, "a second holder in the same process is excluded too")
            await #expect(throws: IndexError.runInProgress(path: folder.file("index.sqlite").path, holder: getpid())) {
                try await indexer.run([folder.file("photos").path])
            }
            withExtendedLifetime(held) {}
        }
        #expect(try await indexer.run([folder.file("photos").path]).described == 1)
        #expect(try await indexer.run([folder.file("photos").path]).plan.unchanged == 1, "the lock is released after a run")
        #expect(try SQLiteIndexStore.inMemory().runLockURL == nil)

        // A lock file that cannot be opened (here a folder in its place) stops the run with the reason.
        try FileManager.default.removeItem(at: lockURL)
        try FileManager.default.createDirectory(at: lockURL, withIntermediateDirectories: false)
        let error = await #expect(throws: IndexError.self) { try await indexer.run([folder.file("photos").path]) }
        guard case let .cannotOpen(path, reason)? = error else {
            Issue.record("expected .cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(path == folder.file("index.sqlite").path && reason.contains("index.sqlite.lock"), "\(reason)")
    }

    @Test("quick pass first, then a full pass enriches the quick entries")
    func quickThenFull() async throws {
        let (folder, store, describer, quick) = try await quicklyIndexedPair()
        defer { folder.remove() }
        #expect(quick.described == 2)
        #expect(try store.summary().counts[.quick] == 2)
        #expect(try store.embeddingMatrix(.region).rows == 0)
        let again = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path])
        #expect(again.processed == 0)
        let full = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(full.enriched == 2 && full.captionsKept == 2)
        #expect(describer.modes == [.quick, .quick, .full, .full])
        // The full pass is offered each file's quick description (the pipeline reuses its caption).
        #expect(Set(describer.offered.suffix(2)) == ["quick: a photo of a red square", "quick: a photo of a blue square"])
        #expect(describer.offered.count == 2, "the quick pass is offered nothing (its files are described together)")
        #expect(try store.summary().counts[.full] == 2)
        #expect(try store.embeddingMatrix(.region).rows == 2)
        let full2 = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path])
        #expect(full2.processed == 0)
    }

    @Test("a quick entry whose file changed or moved: the full pass is offered only descriptions of the same content")
    func enrichOnlySameContent() async throws {
        let (folder, store, describer, _) = try await quicklyIndexedPair()
        defer { folder.remove() }
        try folder.writePNG("a.png", red: 0, green: 250, blue: 0, width: 9)  // new content at the old path
        try FileManager.default.moveItem(at: folder.file("b.png"), to: folder.file("moved.png"))
        let full = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(full.failures.isEmpty && describer.modes.suffix(2) == [.full, .full])
        #expect(full.captionsKept == 1)
        #expect(Set(describer.offered.suffix(2).map { $0 ?? "none" }) == ["none", "quick: a photo of a blue square"])
    }

    /// A folder with a red and a blue picture, indexed quickly into a new in-memory store.
    private func quicklyIndexedPair() async throws
        -> (folder: TemporaryFolder, store: SQLiteIndexStore, describer: FakeDescriber, report: IndexReport) {
        let folder = try TemporaryFolder()
        do {
            try folder.writePNG("a.png", red: 250, green: 0, blue: 0)
            try folder.writePNG("b.png", red: 0, green: 0, blue: 250)
            let store = try SQLiteIndexStore.inMemory()
            let describer = FakeDescriber()
            let report = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path])
            return (folder, store, describer, report)
        } catch {
            folder.remove()
            throw error
        }
    }

    @Test("hidden files and folders are skipped; a symlink loop ends; unreadable folders are reported")
    func scanning() async throws {
        let folder = try TemporaryFolder()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.file("locked").path)
            folder.remove()
        }
        try folder.writePNG("a.png", red: 250, green: 0, blue: 0)
        try folder.writePNG(".hidden/b.png", red: 0, green: 250, blue: 0)
        try folder.writePNG(".c.png", red: 0, green: 0, blue: 250)
        try folder.writePNG("locked/d.png", red: 0, green: 0, blue: 250)
        try FileManager.default.createSymbolicLink(atPath: folder.file("loop").path, withDestinationPath: folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: folder.file("locked").path)
        let scan = FileScanner().scan([folder.path])
        if getuid() != 0 {
            #expect(scan.files.map(\.path) == [folder.file("a.png").path])
            #expect(scan.problems.map(\.path) == [folder.file("locked").path])
        } else {  // root reads every folder
            #expect(scan.files.map(\.path) == [folder.file("a.png").path, folder.file("locked/d.png").path])
            #expect(scan.problems.isEmpty)
        }
        let report = try await Indexer(store: SQLiteIndexStore.inMemory(), describer: FakeDescriber()).run([folder.path])
        #expect(report.described == scan.files.count)
        #expect(report.problems == scan.problems)
        await #expect(throws: IndexError.notAFolder(path: folder.file("missing").path)) {
            try await Indexer(store: SQLiteIndexStore.inMemory(), describer: FakeDescriber()).run([folder.file("missing").path])
        }
    }

    @Test("search reads consistent results while an index run writes")
    func searchWhileIndexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for index in 0..<12 {
            try folder.writePNG("img\(index).png", red: UInt8(220 + index), green: 0, blue: 0)
        }
        let store = try SQLiteIndexStore(url: folder.file("db/index.sqlite"))
        let reader = try SQLiteIndexStore(url: folder.file("db/index.sqlite"))
        let indexing = Task { try await Indexer(store: store, describer: FakeDescriber(delay: 0.02)).run([folder.path]) }
        var observed: [Int] = []
        while observed.last != 12 {
            let before = try reader.describedImageCount()
            let matrix = try reader.embeddingMatrix(.image)
            let matches = try reader.fullTextMatches(try #require(FullTextExpression(anyOf: ["red"])), limit: 100)
            let after = try reader.describedImageCount()
            // Each image commits its description and embedding together: readers never see one without the other.
            #expect(before <= matrix.rows && matrix.rows <= after)
            #expect(matrix.rows <= matches.count && matches.count <= after)
            #expect(Set(matrix.rowImages).count == matrix.rows)
            #expect(matrix.withValues { values in values.allSatisfy { $0.isFinite } })
            observed.append(matrix.rows)
            if observed.count > 2000 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let report = try await indexing.value
        #expect(report.described == 12)
        #expect(observed.last == 12)
        #expect(observed == observed.sorted())
        #expect(observed.count > 2)
    }

    @Test("cancelling stops after the file in flight; the next run finishes the rest")
    func cancellation() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for index in 0..<8 {
            try folder.writePNG("img\(index).png", red: 0, green: UInt8(200 + index), blue: 0)
        }
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber(delay: 0.05)
        // Cancel the run's task when the third file is committed (the event comes from the run's own task).
        let task = Task {
            try await Indexer(store: store, describer: describer).run([folder.path]) { event in
                if case let .finished(_, index, _, _) = event, index == 2 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        let stopped = try await task.value
        #expect(stopped.cancelled)
        #expect(stopped.described == 3)
        #expect(stopped.removed == 0)
        #expect(try store.summary().counts[.pending] == 5)
        let resumed = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(resumed.described == 8 - stopped.described)
        #expect(try store.describedImageCount() == 8)
        #expect(describer.callCount == 8)  // the file in flight was committed, not lost
    }
}
