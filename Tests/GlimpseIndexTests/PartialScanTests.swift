import Foundation
import Testing
@testable import GlimpseIndex

/// A watching run's passes over only the folders that changed: `FolderChanges`, `FileScanner.scan(_:within:)`
/// and `Indexer.run(_:only:)`.
@Suite("looking only where something changed")
struct PartialScanTests {
    @Test("changes become the smallest set of places under the roots; anything else asks for a whole pass")
    func places() {
        var changes = FolderChanges()
        changes.record(in: "/r/a", name: "x.jpg", isFolder: false)
        changes.record(in: "/r/b", name: "new", isFolder: true)
        changes.record(in: "/r/b/new", name: "y.jpg", isFolder: false)
        changes.record(in: "/r/b/new", name: "deeper", isFolder: true)
        changes.record(in: "/r/c", name: Exclusions.ignoreFileName, isFolder: false)
        changes.record(in: "/r/d", name: "", isFolder: false)
        #expect(changes.places(within: ["/r/"]) == [
            ScanPlace(path: "/r/b/new", wholeTree: true), ScanPlace(path: "/r/c", wholeTree: true),
            ScanPlace(path: "/r/d", wholeTree: true), ScanPlace(path: "/r/a", wholeTree: false),
        ])
        #expect(FolderChanges(folders: ["/r"]).places(within: ["/r"]) == [ScanPlace(path: "/r", wholeTree: false)],
                "a root's own files alone")
        #expect(FolderChanges(trees: ["/r"]).places(within: ["/r"]) == nil, "a root's whole tree is a whole pass")
        #expect(FolderChanges(folders: ["/elsewhere"]).places(within: ["/r"]) == nil)
        #expect(FolderChanges(folders: ["/r/a"], everything: true).places(within: ["/r"]) == nil)
        #expect(FolderChanges().isEmpty && !changes.isEmpty)
        #expect(FolderChanges(trees: ["/r/a", "/r/a b", "/r/a/c", "/r/ab/c"]).places(within: ["/r"])?.map(\.path)
                == ["/r/a", "/r/a b", "/r/ab/c"], "inside by whole names only")
        let many = FolderChanges(folders: Set((0...FolderChanges.mostPlaces).map { "/r/\($0)" }))
        #expect(many.places(within: ["/r"]) == nil, "a change everywhere is a whole pass")
        #expect(FolderChanges.isInside("/r/a/b", anyOf: ["/r/a"]) && !FolderChanges.isInside("/r/ab", anyOf: ["/r/a"])
                && FolderChanges.isInside("/x", anyOf: ["/"]))
    }

    @Test("a folder's own images, without its subfolders' or a sibling's that shares its name's start")
    func directlyIn() throws {
        let store = try SQLiteIndexStore.inMemory()
        let paths = ["/r/a.jpg", "/r/sub/b.jpg", "/r/sub/deep/c.jpg", "/rx/d.jpg", "/r/été 📷/e.jpg", "/r/été 📷/f/g.jpg", "/r.jpg"]
        for (index, path) in paths.enumerated() {
            try store.saveDescription(sampleDescription(caption: "photo \(index)"), for: FileFacts(path: path, size: 1, modified: 1))
        }
        func names(_ folder: String) throws -> [String] { try store.images(directlyIn: folder).map(\.facts.path).sorted() }
        #expect(try names("/r") == ["/r/a.jpg"])
        #expect(try names("/r/") == ["/r/a.jpg"])
        #expect(try names("/r/sub") == ["/r/sub/b.jpg"])
        #expect(try names("/r/été 📷") == ["/r/été 📷/e.jpg"])
        #expect(try names("/") == ["/r.jpg"])
        let image = try #require(try store.image(atPath: "/r/a.jpg"))
        #expect(try store.images(directlyIn: "/r") == [image], "the same rows as the other lookups")
        #expect(try store.images(under: ["/r/sub"]).map(\.facts.path).sorted() == ["/r/sub/b.jpg", "/r/sub/deep/c.jpg"])
    }

    @Test("a partial scan sees a place as the whole scan does: the roots' patterns, the .glimpseignore files between, excluded places")
    func scanner() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for name in ["2019/a.png", "2019/raw/b.png", "2019/trip/c.png", "2019/trip/keep/d.png", "2019/trip/skip/e.png", "2020/f.png"] {
            try folder.write("r/" + name, "x")
        }
        try folder.write("r/2019/.glimpseignore", "skip\n")
        let root = folder.file("r").path
        let scanner = FileScanner(exclusions: Exclusions(patterns: ["2019/raw"]))
        func files(_ places: [ScanPlace]) -> [String] {
            scanner.scan(places, within: [root]).files.map { String($0.path.dropFirst(root.count + 1)) }.sorted()
        }
        let whole = scanner.scan([root]).files.map { String($0.path.dropFirst(root.count + 1)) }.sorted()
        #expect(whole == ["2019/a.png", "2019/trip/c.png", "2019/trip/keep/d.png", "2020/f.png"])
        #expect(files([ScanPlace(path: root + "/2019", wholeTree: true)]) == whole.filter { $0.hasPrefix("2019/") })
        #expect(files([ScanPlace(path: root + "/2019/trip", wholeTree: true)]) == ["2019/trip/c.png", "2019/trip/keep/d.png"])
        #expect(files([ScanPlace(path: root + "/2019", wholeTree: false)]) == ["2019/a.png"], "its own files only")

        let excluded = scanner.scan([ScanPlace(path: root + "/2019/raw", wholeTree: true),
                                     ScanPlace(path: root + "/2019/trip/skip", wholeTree: false)], within: [root])
        #expect(excluded.files.isEmpty && excluded.excluded == [root + "/2019/raw", root + "/2019/trip/skip"])

        let gone = scanner.scan([ScanPlace(path: root + "/2019/gone", wholeTree: true)], within: [root])
        #expect(gone.files.isEmpty && gone.problems.isEmpty, "a folder deleted since: nothing there, and nothing wrong")
        let away = scanner.scan([ScanPlace(path: root + "/nowhere/gone", wholeTree: true)], within: [root])
        #expect(away.problems.map(\.path) == [root + "/nowhere/gone"], "its parent is missing too: something is wrong")
    }

    @Test("a partial run adds, removes and moves only within its places, and an emptied folder is not taken for an unmounted drive")
    func indexer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = folder.file("r").path
        try folder.writePNG("r/a/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("r/b/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("r/c/blue.png", red: 0, green: 0, blue: 250)
        let store = try SQLiteIndexStore.inMemory()
        let describer = FakeDescriber()
        let indexer = Indexer(store: store, describer: describer)
        _ = try await indexer.run([root])

        try folder.writePNG("r/a/yellow.png", red: 250, green: 250, blue: 0)
        try folder.writePNG("r/c/gray.png", red: 128, green: 128, blue: 128)  // not among the places: not seen yet
        try FileManager.default.moveItem(atPath: root + "/b/green.png", toPath: root + "/a/green.png")
        var report = try await indexer.run([root], only: [ScanPlace(path: root + "/a", wholeTree: false),
                                                          ScanPlace(path: root + "/b", wholeTree: false)])
        #expect(report.described == 1 && report.moved == 1 && report.removed == 0 && report.plan.unchanged == 1, "\(report)")
        #expect(report.problems.isEmpty, "b turned up empty: it was emptied, not unmounted")
        #expect(try store.image(atPath: root + "/c/gray.png") == nil && store.image(atPath: root + "/c/blue.png")?.status == .full)

        try FileManager.default.removeItem(atPath: root + "/a")
        report = try await indexer.run([root], only: [ScanPlace(path: root + "/a", wholeTree: true)])
        #expect(try report.removed == 3 && report.problems.isEmpty && store.summary().shelved == 3)
        report = try await indexer.run([root])
        #expect(report.described == 1 && report.removed == 0 && describer.callCount == 5, "the whole pass finds gray")
    }
}
