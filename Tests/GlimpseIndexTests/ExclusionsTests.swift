import Foundation
import GlimpseDescribe
import Testing
@testable import GlimpseIndex

/// What a scan leaves out: system folders, `--exclude` patterns and `.glimpseignore` files.
@Suite("Exclusions")
struct ExclusionsTests {
    /// The rule `text` written in `base`.
    static func rule(_ text: String, base: String = "/p", absolute: Bool = true) throws -> ExclusionRule {
        try #require(ExclusionRule.parse(text, base: base, absoluteAllowed: absolute))
    }

    @Test("patterns: names at any depth, paths relative to where they were written, absolute paths, folders only")
    func patterns() throws {
        let thumbs = try Self.rule("@eaDir")
        #expect(thumbs.matches(path: "/p/a/b/@eaDir", name: "@eaDir", isDirectory: true))
        #expect(!thumbs.matches(path: "/p/a/b/@eaDirX", name: "@eaDirX", isDirectory: true))
        let temporary = try Self.rule("*.tmp")
        #expect(temporary.matches(path: "/p/x.tmp", name: "x.tmp", isDirectory: false))
        #expect(!temporary.matches(path: "/p/x.tmp.jpg", name: "x.tmp.jpg", isDirectory: false))

        let raw = try Self.rule("2019/raw")
        #expect(raw.matches(path: "/p/2019/raw", name: "raw", isDirectory: true))
        #expect(!raw.matches(path: "/p/x/2019/raw", name: "raw", isDirectory: true), "a path pattern is anchored where it was written")
        #expect(!raw.matches(path: "/q/2019/raw", name: "raw", isDirectory: true))
        let export = try Self.rule("Export/*")
        #expect(export.matches(path: "/p/Export/a.jpg", name: "a.jpg", isDirectory: false))
        #expect(!export.matches(path: "/p/Export/sub/a.jpg", name: "a.jpg", isDirectory: false), "* does not cross a /")

        let absolute = try Self.rule("/home/u/Pictures/Private")
        #expect(absolute.matches(path: "/home/u/Pictures/Private", name: "Private", isDirectory: true))
        #expect(!absolute.matches(path: "/p/home/u/Pictures/Private", name: "Private", isDirectory: true))
        let anchored = try Self.rule("/Private", base: "/home/u/Pictures", absolute: false)
        #expect(anchored.matches(path: "/home/u/Pictures/Private", name: "Private", isDirectory: true),
                "in a .glimpseignore a leading / anchors to its folder")
        #expect(!anchored.matches(path: "/home/u/Pictures/a/Private", name: "Private", isDirectory: true))

        let cache = try Self.rule("cache/")
        #expect(cache.matches(path: "/p/cache", name: "cache", isDirectory: true))
        #expect(!cache.matches(path: "/p/cache", name: "cache", isDirectory: false), "a trailing / matches folders only")
        #expect(try Self.rule("./drafts").matches(path: "/p/x/drafts", name: "drafts", isDirectory: true))
        #expect(ExclusionRule.parse("", base: "/p", absoluteAllowed: true) == nil)
        #expect(ExclusionRule.parse("/", base: "/p", absoluteAllowed: false) == nil)
    }

    @Test("** between slashes matches any number of folders, none included; at the end, what is inside")
    func anyFolders() throws {
        func matches(_ rule: ExclusionRule, _ path: String, folder: Bool = false) -> Bool {
            rule.matches(path: path, name: String(path.split(separator: "/").last ?? ""), isDirectory: folder)
        }
        let cache = try Self.rule("**/cache")
        for path in ["/p/cache", "/p/a/cache", "/p/a/b/c/cache"] { #expect(matches(cache, path), "\(path)") }
        for path in ["/p/cachex", "/p/a/cache/x.jpg", "/q/cache"] { #expect(!matches(cache, path), "\(path)") }

        let inside = try Self.rule("Export/**")
        for path in ["/p/Export/a.jpg", "/p/Export/2024/b.jpg"] { #expect(matches(inside, path), "\(path)") }
        for path in ["/p/Export", "/p/x/Export/a.jpg", "/p/Exports/a.jpg"] { #expect(!matches(inside, path), "\(path)") }

        let between = try Self.rule("2019/**/raw*/", base: "/p")
        for path in ["/p/2019/raw", "/p/2019/trip/raw", "/p/2019/a/b/raw-files"] { #expect(matches(between, path, folder: true), "\(path)") }
        #expect(!matches(between, "/p/2019/a/raw", folder: false), "folders only")
        #expect(!matches(between, "/p/2019/a/cooked", folder: true) && !matches(between, "/p/2020/raw", folder: true))

        let absolute = try Self.rule("/data/**/tmp", base: "/p")
        #expect(matches(absolute, "/data/tmp") && matches(absolute, "/data/x/y/tmp") && !matches(absolute, "/p/data/tmp"))
        let anchored = try Self.rule("/**/**/tmp", base: "/p", absolute: false)
        #expect(matches(anchored, "/p/tmp") && matches(anchored, "/p/a/tmp") && !matches(anchored, "/tmp"))
        let everything = try Self.rule("**/*.tmp")
        #expect(matches(everything, "/p/x.tmp") && matches(everything, "/p/a/b/x.tmp") && !matches(everything, "/p/a/x.tmp.jpg"))
    }

    @Test("a leading ! takes back what an earlier pattern left out; the last match decides; a folder left out stays out")
    func takeBack() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for name in ["a.png", "cover.png", "sub/cover.png", "sub/b.png", "sub/c.png", "raw/keep.png", "raw2/d.png"] {
            try folder.write(name, "x")
        }
        try folder.write(".glimpseignore", "*.png\n!cover.png\nraw/\n!raw/keep.png\nraw2/\n!raw2/\n")
        try folder.write("sub/.glimpseignore", "!b.png\n")
        let root = folder.url.path
        let scan = FileScanner().scan([root])
        let found = Set(scan.files.map { String($0.path.dropFirst(root.count + 1)) })
        #expect(found == ["cover.png", "sub/cover.png", "sub/b.png"], "raw2/ is taken back, but d.png inside it is still *.png")
        let excluded = Set(scan.excluded.map { String($0.dropFirst(root.count + 1)) })
        #expect(excluded == ["a.png", "sub/c.png", "raw", "raw2/d.png"])

        let bang = try #require(ExclusionRule.parse("\\!draft.png", base: "/p", absoluteAllowed: false))
        #expect(!bang.includes && bang.matches(path: "/p/!draft.png", name: "!draft.png", isDirectory: false))
        let hash = try #require(ExclusionRule.parse("\\#1.png", base: "/p", absoluteAllowed: false))
        #expect(hash.matches(path: "/p/#1.png", name: "#1.png", isDirectory: false))
        #expect(ExclusionRule.parse("!", base: "/p", absoluteAllowed: false) == nil)
    }

    @Test("a scan leaves out system folders, --exclude patterns and what .glimpseignore files name, and lists what it left out")
    func scan() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for name in ["keep.png", "@eaDir/keep.png/SYNOPHOTO_THUMB_XL.jpg", "#recycle/old.png", "draft.tmp.png",
                     "trips/x.png", "trips/raw/y.png", "trips/cache/z.png", "trips/cachefile.png",
                     "work/a.png", "work/skip-me.png", "work/deep/skip-me.png", "work/deep/b.png", "work/deep/draft1.png"] {
            try folder.write(name, "x")
        }
        try folder.write(".glimpseignore", "# top level\n\n/trips/raw\n")
        try folder.write("work/.glimpseignore", "  skip-me.png  \n")
        try folder.write("trips/.glimpseignore", "cache/\ncachefile.png/\n")
        // Latin-1 ("café"): the lines that decode still apply.
        try Data(Array("caf".utf8) + [0xE9] + Array("\ndraft*.png\n".utf8)).write(to: folder.file("work/deep/.glimpseignore"))
        let root = folder.url.path
        let scan = FileScanner(exclusions: Exclusions(patterns: ["*.tmp.png"])).scan([root])
        let found = Set(scan.files.map { String($0.path.dropFirst(root.count + 1)) })
        #expect(found == ["keep.png", "trips/x.png", "trips/cachefile.png", "work/a.png", "work/deep/b.png"])
        let excluded = Set(scan.excluded.map { String($0.dropFirst(root.count + 1)) })
        #expect(excluded == ["@eaDir", "#recycle", "draft.tmp.png", "trips/raw", "trips/cache", "work/skip-me.png", "work/deep/skip-me.png",
                             "work/deep/draft1.png"])
        #expect(scan.problems.isEmpty)

        let everything = FileScanner(exclusions: Exclusions(leavesOutSystemFolders: false)).scan([folder.file("#recycle").path, folder.file("work").path])
        #expect(everything.files.map(\.path).contains(folder.file("#recycle/old.png").path), "a folder named on the command line is scanned")
        #expect(!everything.files.map(\.path).contains(folder.file("work/skip-me.png").path))
    }

    @Test("a run that starts inside a folder obeys the .glimpseignore files above it")
    func rulesAbove() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("photos/2019/a.png", "x")
        try folder.write("photos/2019/raw/b.png", "x")
        try folder.write("photos/2019/private/c.png", "x")
        try folder.write(".glimpseignore", "private\n")
        try folder.write("photos/.glimpseignore", "2019/raw\n")
        let scan = FileScanner().scan([folder.file("photos/2019").path])
        #expect(scan.files.map(\.path) == [folder.file("photos/2019/a.png").path])
        #expect(Set(scan.excluded) == [folder.file("photos/2019/raw").path, folder.file("photos/2019/private").path])
    }

    @Test("a .glimpseignore that cannot be read: its folder is not scanned and is reported, and its indexed images stay")
    func unreadableRules() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/a.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/album/b.png", red: 0, green: 250, blue: 0)
        let store = try SQLiteIndexStore.inMemory()
        let indexer = Indexer(store: store, describer: FakeDescriber())
        #expect(try await indexer.run([folder.file("photos").path]).described == 2)

        // A folder where the file should be: reading it fails whoever runs the test (root reads anything else).
        try FileManager.default.createDirectory(at: folder.file("photos/album/.glimpseignore"), withIntermediateDirectories: true)
        let report = try await indexer.run([folder.file("photos").path])
        #expect(report.removed == 0)
        let problem = try #require(report.problems.first)
        #expect(problem.path == folder.file("photos/album").path && problem.message.contains(".glimpseignore cannot be read"), "\(problem)")
        #expect(try store.describedImageCount() == 2)
    }

    @Test("indexed images that a new exclusion leaves out are removed, and a folder whose every file is left out is not taken for an unmounted drive")
    func removesWhatItLeavesOut() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/a.png", red: 250, green: 0, blue: 0)
        try folder.writePNG("photos/screens/b.png", red: 0, green: 250, blue: 0)
        try folder.writePNG("photos/screens/c.png", red: 0, green: 0, blue: 250)
        try folder.writePNG("other/d.png", red: 250, green: 250, blue: 250)
        let store = try SQLiteIndexStore.inMemory()
        let roots = [folder.file("photos").path, folder.file("other").path]
        #expect(try await Indexer(store: store, describer: FakeDescriber()).run(roots).described == 4)

        try folder.write("photos/.glimpseignore", "screens\n")
        let excluding = Indexer(store: store, describer: FakeDescriber(), options: IndexOptions(exclusions: Exclusions(patterns: ["d.png"])))
        let report = try await excluding.run(roots)
        #expect(report.removed == 3 && report.excluded == 2 && report.described == 0)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(try store.describedImageCount() == 1)
        #expect(try store.images(under: [folder.file("photos").path]).map(\.facts.path) == [folder.file("photos/a.png").path])
    }
}
