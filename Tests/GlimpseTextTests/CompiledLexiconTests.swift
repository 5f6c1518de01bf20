import Foundation
import Testing

@testable import GlimpseText

/// The compiled copy of WordNet's index: the same lexicon as parsing, rebuilt whenever an index file
/// changes or the copy is damaged, and never in the way when it cannot be written.
@Suite("Compiled lexicon")
struct CompiledLexiconTests {
    static func entries(_ lexicon: Lexicon) -> [String: UInt64] {
        var all: [String: UInt64] = [:]
        lexicon.table.forEach { key, value in all[String(decoding: key, as: UTF8.self)] = value }
        return all
    }

    static func withCache(_ body: (URL) throws -> Void) throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-lexicon-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        try body(cache)
    }

    static func cacheFile(in cache: URL) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".compiled") }
        try #require(names.count == 1, "one compiled copy, found \(names)")
        return cache.appendingPathComponent(names[0])
    }

    @Test("the installed WordNet: the compiled copy gives exactly the parsed table, and is read back")
    func installedWordNet() throws {
        try Self.withCache { cache in
            let parsed = try Lexicon()
            let first = try Lexicon(compiledCache: cache)
            let file = try Self.cacheFile(in: cache)
            let second = try Lexicon(compiledCache: cache)
            #expect(first.count == parsed.count && second.count == parsed.count)
            #expect(Self.entries(second) == Self.entries(parsed))
            #expect(second.exceptions(of: "knives", as: .noun) == ["knife"])
            #expect(second.entry(for: "cutting board")?.has(.noun) == true)
            // The copy was read, not rewritten: same bytes, and a table that parses it back equal.
            let bytes = try Data(contentsOf: file)
            let copy = CompiledLexicon.copy(directory: Lexicon.defaultDirectory, cacheFolder: cache)
            #expect(copy.file == file)
            #expect(copy.read(stamps: try #require(CompiledCopy.stamps(copy.sources)), decode: ByteKeyTable.init(serialized:)) != nil)
            _ = try Lexicon(compiledCache: cache)
            #expect(try Data(contentsOf: file) == bytes)
        }
    }

    @Test("an index file that changes makes the copy stale: the new word is found")
    func staleCopy() throws {
        try TinyLexicon.withFolder { dir in
            try Self.withCache { cache in
                #expect(try Lexicon(directory: dir, compiledCache: cache).entry(for: "zebra") == nil)
                let noun = dir.appendingPathComponent("index.noun")
                var text = try String(contentsOf: noun, encoding: .utf8)
                text += "zebra n 1 1 @ 1 0 02391049\n"
                try text.write(to: noun, atomically: true, encoding: .utf8)
                #expect(try Lexicon(directory: dir, compiledCache: cache).entry(for: "zebra")?.has(.noun) == true)
                #expect(try Lexicon(directory: dir, compiledCache: cache).entry(for: "zebra")?.has(.noun) == true)
            }
        }
    }

    @Test("a damaged, truncated or forged copy is never used: the lexicon is parsed again and the copy rewritten")
    func damagedCopy() throws {
        try TinyLexicon.withFolder { dir in
            try Self.withCache { cache in
                let expected = Self.entries(try Lexicon(directory: dir, compiledCache: cache))
                let file = try Self.cacheFile(in: cache)
                let good = try Data(contentsOf: file)
                var flipped = good
                flipped[flipped.count - 2] ^= 0x20  // a key byte: the checksum catches it
                var wrongVersion = good
                wrongVersion[8] ^= 1
                for (name, bytes) in [("flipped", flipped), ("truncated", good.prefix(good.count - 9)), ("empty", Data()),
                                      ("header only", good.prefix(CompiledLexicon.copy(directory: dir, cacheFolder: cache).headerSize)), ("version", wrongVersion)] {
                    try bytes.write(to: file)
                    #expect(Self.entries(try Lexicon(directory: dir, compiledCache: cache)) == expected, "\(name)")
                    #expect(try Data(contentsOf: file) == good, "rewritten after \(name)")
                }
            }
        }
    }

    @Test("a serialized table whose keys point past its key bytes is refused even with a good checksum")
    func forgedTable() throws {
        var table = ByteKeyTable()
        for word in ["cat", "dog", "cutting_board"] {
            var key = word
            key.withUTF8 { table.set($0, to: 7) }
        }
        let body = table.serialized()
        #expect(body.withUnsafeBytes { ByteKeyTable(serialized: $0) }.map { Self.table($0) } == Self.table(table))
        // Make the first used slot claim a key 200 bytes long.
        var forged = body
        let slots = Int(body.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) })
        for index in 0..<slots {
            let offset = 24 + index * 8
            let ref = forged.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            guard ref != UInt64.max else { continue }
            withUnsafeBytes(of: (ref & ~0xFF_FFFF) | 200) { forged.replaceSubrange(offset..<(offset + 8), with: $0) }
            break
        }
        #expect(forged.withUnsafeBytes { ByteKeyTable(serialized: $0) } == nil)
        #expect(body.prefix(body.count - 1).withUnsafeBytes { ByteKeyTable(serialized: $0) } == nil)
    }

    @Test("a cache folder that cannot be written costs only the speed-up")
    func unwritableCache() throws {
        try TinyLexicon.withFolder { dir in
            let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-blocker-\(UUID().uuidString)")
            try Data("a file where the folder should be".utf8).write(to: blocker)
            defer { try? FileManager.default.removeItem(at: blocker) }
            let lexicon = try Lexicon(directory: dir, compiledCache: blocker.appendingPathComponent("compiled"))
            #expect(Self.entries(lexicon) == Self.entries(try Lexicon(directory: dir)))
        }
    }

    static func table(_ table: ByteKeyTable) -> [String: UInt64] {
        var all: [String: UInt64] = [:]
        table.forEach { key, value in all[String(decoding: key, as: UTF8.self)] = value }
        return all
    }
}
