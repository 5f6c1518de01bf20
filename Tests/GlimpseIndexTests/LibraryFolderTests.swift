import Foundation
import Testing
@testable import GlimpseIndex

/// The library's remembered folders (`LibraryFolder`): what `glimpse index` without folders indexes again.
@Suite("library folders")
struct LibraryFolderTests {
    static func folders(_ paths: String...) -> [LibraryFolder] { paths.map { LibraryFolder(path: $0) } }

    @Test("remembering: a new folder joins, one inside a remembered folder adds nothing, one around others replaces them")
    func remembering() {
        let start = Self.folders("/photos", "/mnt/b")
        #expect(start.remembering(["/home/anna/Pictures"], patterns: ["raw/"]).map(\.path) == ["/home/anna/Pictures", "/mnt/b", "/photos"])
        #expect(start.remembering(["/photos/2024"], patterns: []) == start.sorted { $0.path < $1.path }, "covered by /photos")
        #expect(start.remembering(["/mnt"], patterns: []).map(\.path) == ["/mnt", "/photos"], "/mnt/b is inside /mnt")
        #expect(start.remembering(["/photosX"], patterns: []).map(\.path) == ["/mnt/b", "/photos", "/photosX"], "a shared prefix is not a folder")
        let replaced = start.remembering(["/photos"], patterns: ["*.tmp"])
        #expect(replaced.first { $0.path == "/photos" }?.exclusionPatterns == ["*.tmp"], "giving a folder again sets its patterns")
        #expect([LibraryFolder]().remembering(["/a/b", "/a"], patterns: []).map(\.path) == ["/a"], "given together, the outer one stays")
    }

    @Test("forgetting and relocating change the remembered folders")
    func forgettingAndRelocating() {
        let start = [LibraryFolder(path: "/photos", exclusionPatterns: ["raw/"]), LibraryFolder(path: "/mnt/b")]
        #expect(start.forgetting(["/photos/2024"]) == start, "a subfolder forgotten leaves its library folder")
        #expect(start.forgetting(["/mnt"]).map(\.path) == ["/photos"])
        #expect(start.folder(holding: "/photos/2024/a.jpg")?.path == "/photos" && start.folder(holding: "/photosX") == nil)

        let moved = start.relocating(from: "/photos", to: "/disk/photos")
        #expect(moved == [LibraryFolder(path: "/disk/photos", exclusionPatterns: ["raw/"]), LibraryFolder(path: "/mnt/b")])
        #expect(start.relocating(from: "/mnt", to: "/media").map(\.path) == ["/media/b", "/photos"])
        #expect(start.relocating(from: "/photos/old", to: "/archive/old").map(\.path) == ["/archive/old", "/mnt/b", "/photos"],
                "images moved out of a library folder stay in the library")
        #expect(start.relocating(from: "/photos/old", to: "/mnt/b/old") == start.sorted { $0.path < $1.path })
        #expect(start.relocating(from: "/elsewhere", to: "/other") == start.sorted { $0.path < $1.path })
    }

    @Test("a run remembers the folders given (not files, not a dry run); a run over the remembered ones uses each one's patterns")
    func runs() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("a/2024/raw/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("b/blue.png", red: 0, green: 0, blue: 250)
        let loose = try folder.writePNG("loose/white.png", red: 250, green: 250, blue: 250)
        let (a, b) = (folder.file("a").path, folder.file("b").path)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))

        var dryRun = IndexOptions(exclusions: Exclusions(patterns: ["raw/"]))
        dryRun.dryRun = true
        _ = try await Indexer(store: store, describer: FakeDescriber(), options: dryRun).run([a])
        #expect(try store.libraryFolders().isEmpty, "a dry run remembers nothing")

        let first = try await Indexer(store: store, describer: FakeDescriber(), options: IndexOptions(exclusions: Exclusions(patterns: ["raw/"])))
            .run([a, loose])
        #expect(first.described == 2 && first.excluded == 1 && first.newlyRemembered == [a])
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([b])
        #expect(try store.libraryFolders() == [LibraryFolder(path: a, exclusionPatterns: ["raw/"]), LibraryFolder(path: b)])

        try folder.writePNG("a/new.png", red: 9, green: 9, blue: 200)
        try folder.writePNG("b/raw/kept.png", red: 9, green: 200, blue: 9)
        var remembered = IndexOptions()
        remembered.roots = .remembered
        let indexer = Indexer(store: store, describer: FakeDescriber(), options: remembered)
        let again = try await indexer.run(try indexer.libraryFolders().map(\.path))
        #expect(again.described == 2 && again.excluded == 1 && again.newlyRemembered.isEmpty,
                "a's raw/ stays out, b (remembered without patterns) takes its raw/ in")
        #expect(try store.image(atPath: folder.file("a/2024/raw/green.png").path) == nil)
        #expect(try store.image(atPath: loose) != nil, "a file given alone is not remembered, and is left alone")

        let inside = try await Indexer(store: store, describer: FakeDescriber()).run([folder.file("a/2024").path])
        #expect(inside.described == 0 && inside.excluded == 1 && inside.newlyRemembered.isEmpty,
                "a run in a subfolder keeps the patterns remembered above it, and the subfolder is not remembered")
        #expect(try store.libraryFolders().map(\.path) == [a, b])
        let regiven = try await Indexer(store: store, describer: FakeDescriber()).run([a])
        #expect(try regiven.described == 1 && store.libraryFolders().first?.exclusionPatterns == [],
                "giving a folder again without --exclude takes its raw/ in and forgets the pattern")

        let summary = try store.summary()
        #expect(summary.libraryFolders.map(\.images) == [3, 2] && summary.libraryFolders.map(\.path) == [a, b])
    }

    @Test("a remembered folder that is not there is reported, and its images are kept; the others are indexed")
    func absentFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("drive/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("home/blue.png", red: 0, green: 0, blue: 250)
        let store = try SQLiteIndexStore.inMemory()
        let (drive, home) = (folder.file("drive").path, folder.file("home").path)
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([drive, home])
        try FileManager.default.removeItem(at: folder.file("drive"))
        try folder.writePNG("home/green.png", red: 0, green: 250, blue: 0)

        var options = IndexOptions()
        options.roots = .remembered
        let report = try await Indexer(store: store, describer: FakeDescriber(), options: options).run([drive, home])
        #expect(report.described == 1 && report.removed == 0)
        #expect(report.problems.map(\.path) == [drive] && report.problems.first?.message.hasPrefix("not there") == true)
        #expect(try store.image(atPath: folder.file("drive/red.png").path) != nil)
        #expect(try store.libraryFolders().map(\.path) == [drive, home], "still remembered: a drive comes back")
        await #expect(throws: IndexError.self, "a folder given that is not there still stops the run") {
            try await Indexer(store: store, describer: FakeDescriber()).run([drive])
        }
    }

    @Test("forgetting a folder forgets it as the library's; a subfolder forgotten names the folder that brings it back; relocating moves it")
    func forgetAndRelocate() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a/2024/red.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("a/2023/green.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("b/blue.png", red: 0, green: 0, blue: 250)
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let (a, b) = (folder.file("a").path, folder.file("b").path)
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([a, b])

        let sub = try store.forgetImages(under: [folder.file("a/2024").path])
        #expect(sub.places.first?.libraryFolder == a && sub.libraryFoldersForgotten.isEmpty)
        let dry = try store.forgetImages(under: [b], dryRun: true)
        #expect(try dry.libraryFoldersForgotten == [b] && store.libraryFolders().count == 2, "a dry run forgets nothing")
        let whole = try store.forgetImages(under: [b])
        #expect(whole.libraryFoldersForgotten == [b] && whole.places.first?.libraryFolder == nil)
        #expect(try store.libraryFolders().map(\.path) == [a])

        try FileManager.default.moveItem(at: folder.file("a"), to: folder.file("c"))
        let dryMove = try store.relocateImages(from: a, to: folder.file("c").path, dryRun: true)
        #expect(try dryMove.libraryFolders == [folder.file("c").path] && store.libraryFolders().map(\.path) == [a])
        let moved = try store.relocateImages(from: a, to: folder.file("c").path)
        #expect(moved.libraryFolders == [folder.file("c").path])
        #expect(try store.libraryFolders().map(\.path) == [folder.file("c").path])
    }
}
