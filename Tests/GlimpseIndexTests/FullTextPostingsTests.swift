import Foundation
import GlimpseImage
import GRDB
import Testing
@testable import GlimpseIndex

@Suite("Full-text postings")
struct FullTextPostingsTests {
    static let words = ["cat", "cats", "dog", "dogs", "running", "runs", "red", "car", "cutting", "board", "knife", "table",
                        "blue", "collar", "worker", "sunny", "beach", "night", "the", "a", "café", "Über"]

    /// A store of `count` random descriptions (repeated words, several regions, compounds; every fourth image
    /// tagged with a title and keywords of the same words, in the fourth column), postings built.
    static func randomStore(count: Int, seed: UInt64, folder: URL? = nil) throws -> SQLiteIndexStore {
        let store = try folder.map { try SQLiteIndexStore(url: $0.appending(path: "index.sqlite")) } ?? SQLiteIndexStore.inMemory()
        var random = SplitMix(state: seed)
        for index in 0..<count {
            func sentence(_ length: Int) -> String {
                (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
            }
            let regions = (0..<Int(random.next() % 3)).map { _ in sentence(2 + Int(random.next() % 4)) }
            let keywords = Array(Set(sentence(3).split(separator: " ").map(String.init))).sorted()
            let compounds = random.next() % 3 == 0 ? ["cutting-board"] : random.next() % 2 == 0 ? ["blue-collar"] : []
            let tags = index % 4 == 0 ? PhotoTags(title: sentence(2), keywords: [sentence(1), sentence(2)]) : nil
            try store.saveDescription(
                sampleDescription(caption: sentence(3 + Int(random.next() % 8)), regions: regions, keywords: keywords, compounds: compounds),
                for: FileFacts(path: "/p/\(index).jpg", tags: tags, tagsStamp: tags == nil ? nil : "t1"))
        }
        try store.prepareForSearch()
        return store
    }

    static let queries: [[String]] = [
        ["cat"], ["dogs", "red"], ["cutting board", "knife"], [FullTextExpression.compoundToken("cutting-board"), "cutting board"],
        ["blue collar worker", "blue", "collar"], ["the a", "night"], ["cafe", "uber"], ["missing", "cat"], ["missing phrase here"],
        ["running", "runs", "run"], ["+++", "board"],
    ]

    /// SQLite's `bm25()` ranking of the same expression.
    static func sqliteRanking(_ store: SQLiteIndexStore, _ expression: FullTextExpression, limit: Int) throws -> [FullTextMatch] {
        try store.read("test") { try SQLiteIndexStore.sqliteMatches(expression, limit: limit, $0) }
    }

    /// Equal ids in equal order and scores within 1e-9: the postings rank exactly as SQLite does.
    static func expectSameRanking(_ fast: [FullTextMatch], _ reference: [FullTextMatch], _ comment: String) {
        #expect(fast.map(\.image) == reference.map(\.image), "\(comment)")
        for (a, b) in zip(fast, reference) {
            #expect(abs(a.score - b.score) <= 1e-9 * max(1, abs(b.score)), "\(comment): \(a.score) vs \(b.score)")
        }
    }

    @Test("the postings rank every query as SQLite's bm25() does: same images, same order, same scores")
    func parity() throws {
        for seed in [1, 2, 3] as [UInt64] {
            let store = try Self.randomStore(count: 300, seed: seed)
            #expect(try store.read("test") { try store.currentPostings($0) } != nil)
            for terms in Self.queries {
                let expression = try #require(FullTextExpression(anyOf: terms))
                for limit in [1, 7, 50, 1000] {
                    let fast = try store.fullTextMatches(expression, limit: limit)
                    let reference = try Self.sqliteRanking(store, expression, limit: limit)
                    Self.expectSameRanking(fast, reference, "seed \(seed) \(terms) limit \(limit)")
                }
            }
        }
    }

    @Test("a phrase counts each occurrence, and never runs across two columns")
    func phrases() throws {
        let store = try SQLiteIndexStore.inMemory()
        try store.saveDescription(sampleDescription(caption: "cutting board and another cutting board", keywords: ["cutting"]),
                                  for: FileFacts(path: "/p/twice.jpg"))
        try store.saveDescription(sampleDescription(caption: "a knife near the cutting", keywords: ["board"]),
                                  for: FileFacts(path: "/p/across.jpg"))
        try store.saveDescription(sampleDescription(caption: "a cutting board"), for: FileFacts(path: "/p/once.jpg"))
        try store.prepareForSearch()
        let expression = try #require(FullTextExpression(anyOf: ["cutting board"]))
        let fast = try store.fullTextMatches(expression, limit: 10)
        #expect(fast.count == 2)
        Self.expectSameRanking(fast, try Self.sqliteRanking(store, expression, limit: 10), "phrase")
    }

    @Test("only the images a filter accepts, with the scores of the whole index: postings and SQLite agree")
    func filtered() throws {
        let store = try Self.randomStore(count: 200, seed: 4)
        let expression = try #require(FullTextExpression(anyOf: ["cat", "dog"]))
        let everything = try store.fullTextMatches(expression, limit: 200)
        let odd: @Sendable (ImageID) -> Bool = { $0 % 2 == 1 }
        let expected = Array(everything.filter { odd($0.image) }.prefix(7))
        #expect(expected.count == 7)
        #expect(try store.fullTextMatches(expression, limit: 7, where: odd) == expected, "postings")
        try store.removeImages([everything.last!.image])  // the postings go stale: SQLite's bm25() answers
        #expect(try store.read("test") { try store.currentPostings($0) } == nil)
        let stale = try store.fullTextMatches(expression, limit: 7, where: odd)
        Self.expectSameRanking(stale, Array(try Self.sqliteRanking(store, expression, limit: 200).filter { odd($0.image) }.prefix(7)), "SQLite")
    }

    @Test("after a write the postings are stale: search falls back to SQLite and is still right; preparing makes them current")
    func staleness() throws {
        let store = try Self.randomStore(count: 50, seed: 9)
        let expression = try #require(FullTextExpression(anyOf: ["cat", "dog"]))
        let before = try store.fullTextMatches(expression, limit: 100)
        let removed = try #require(before.first?.image)
        try store.removeImages([removed])
        #expect(try store.read("test") { try store.currentPostings($0) } == nil)
        let after = try store.fullTextMatches(expression, limit: 100)
        #expect(!after.map(\.image).contains(removed))
        Self.expectSameRanking(after, try Self.sqliteRanking(store, expression, limit: 100), "stale")

        try store.saveDescription(sampleDescription(caption: "cat cat cat dog"), for: FileFacts(path: "/p/new.jpg"))
        try store.prepareForSearch()
        #expect(try store.read("test") { try store.currentPostings($0) } != nil)
        Self.expectSameRanking(try store.fullTextMatches(expression, limit: 100),
                               try Self.sqliteRanking(store, expression, limit: 100), "prepared again")
    }

    @Test("the postings file is mapped by a new process's store, and a damaged or foreign file is never used")
    func sidecarFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let built = try Self.randomStore(count: 80, seed: 4, folder: folder.url)
        let file = try #require(built.vectorsFolder?.appending(path: SQLiteIndexStore.postingsFileName))
        #expect(FileManager.default.fileExists(atPath: file.path))
        for name in ["image.f32", "region.f32", "text.f32"] {  // prepared too, so the first search does not build them
            #expect(FileManager.default.fileExists(atPath: file.deletingLastPathComponent().appending(path: name).path), "\(name)")
        }
        let expression = try #require(FullTextExpression(anyOf: ["red", "car"]))
        let expected = try Self.sqliteRanking(built, expression, limit: 20)

        let reopened = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        #expect(try reopened.read("test") { try reopened.currentPostings($0) } != nil)
        Self.expectSameRanking(try reopened.fullTextMatches(expression, limit: 20), expected, "mapped")

        let original = try Data(contentsOf: file)
        var damaged: [(String, Data)] = [("truncated", original.prefix(original.count / 2)), ("empty", Data()),
                                         ("header only", original.prefix(FullTextPostingsLayout.headerSize))]
        var flipped = original
        let layout = try #require(FullTextPostingsLayout(validating: original))
        flipped.withUnsafeMutableBytes { $0.storeBytes(of: UInt32.max, toByteOffset: layout.postingRows, as: UInt32.self) }
        damaged.append(("a posting past the last row", flipped))
        for (name, offset) in [("term starts that fall", layout.termStarts), ("position starts that fall", layout.positionStarts),
                               ("text starts that fall", layout.textStarts)] {
            var falling = original  // the second start far past the third: a list that would end before it begins
            falling.withUnsafeMutableBytes { $0.storeBytes(of: UInt32.max - 1, toByteOffset: offset + 4, as: UInt32.self) }
            damaged.append((name, falling))
        }
        var foreign = original
        foreign[64] ^= 0xFF  // another database's id
        damaged.append(("another database", foreign))
        for (name, bytes) in damaged {
            try bytes.write(to: file)
            let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
            #expect(try store.read("test") { try store.currentPostings($0) } == nil, "\(name)")
            Self.expectSameRanking(try store.fullTextMatches(expression, limit: 20), expected, name)
            try store.prepareForSearch()
            #expect(try store.read("test") { try store.currentPostings($0) } != nil, "rebuilt after \(name)")
        }
    }

    @Test("a file store without current postings builds them at its first search, unless an index run holds its lock")
    func builtOnDemand() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let built = try Self.randomStore(count: 60, seed: 5, folder: folder.url)
        let file = try #require(built.vectorsFolder?.appending(path: SQLiteIndexStore.postingsFileName))
        let expression = try #require(FullTextExpression(anyOf: ["cat", "dog"]))
        let expected = try Self.sqliteRanking(built, expression, limit: 30)

        // A database copied without its postings, searched while an index run holds the lock: bm25() answers.
        try FileManager.default.removeItem(at: file)
        let copy = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        do {
            let run = try copy.lockRuns()
            defer { withExtendedLifetime(run) {} }
            Self.expectSameRanking(try copy.fullTextMatches(expression, limit: 30), expected, "during a run")
            #expect(try copy.read("test") { try copy.currentPostings($0) } == nil && !FileManager.default.fileExists(atPath: file.path))
        }
        // No run: the first search builds them, and they answer the same.
        Self.expectSameRanking(try copy.fullTextMatches(expression, limit: 30), expected, "built on demand")
        #expect(try copy.read("test") { try copy.currentPostings($0) } != nil && FileManager.default.fileExists(atPath: file.path))
    }

    @Test("imports and index runs leave the postings current")
    func importPrepares() throws {
        let store = try SQLiteIndexStore.inMemory()
        let lines = """
            {"path": "/x/1.jpg", "caption": "a red car on the beach"}
            {"path": "/x/2.jpg", "caption": "a dog"}
            """
        _ = try store.importDescriptions(jsonLines: Data(lines.utf8))
        #expect(try store.read("test") { try store.currentPostings($0) } != nil)
        #expect(try store.fullTextMatches(try #require(FullTextExpression(anyOf: ["car"])), limit: 5).count == 1)
    }
}

/// A small seeded generator (SplitMix64), so that random corpora repeat.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
