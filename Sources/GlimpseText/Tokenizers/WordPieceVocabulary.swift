import Foundation

/// What a `BertTokenizer` is built from: vocab.txt's tokens (each with the id of its last line), the
/// number of lines, and the WordPiece trie. Parsed from the file, or read from its compiled copy
/// (`wordpiece-….compiled` in the cache folder, see `CompiledCopy`), which skips splitting the file into
/// 30,000 strings and building the trie.
struct WordPieceVocabulary {
    var vocabulary: ByteKeyTable
    var lineCount: Int
    var trie: WordPieceTrie

    /// Parses vocab.txt.
    init(parsing url: URL) throws {
        let lines = try TokenizerFiles.lines(at: url)
        if lines.isEmpty { throw TextError.malformedVocabulary(url, reason: "it is empty") }
        // Token → id; a token listed twice keeps its last id (transformers' dict).
        var table = ByteKeyTable(expectedCount: lines.count)
        for (id, line) in lines.enumerated() {
            var token = line
            token.withUTF8 { table.set($0, to: UInt64(id)) }
        }
        self.init(vocabulary: table, lineCount: lines.count, trie: WordPieceTrie(vocabulary: lines.enumerated().map { ($1, $0) }))
    }

    init(vocabulary: ByteKeyTable, lineCount: Int, trie: WordPieceTrie) {
        self.vocabulary = vocabulary
        self.lineCount = lineCount
        self.trie = trie
    }

    /// From the compiled copy in `compiledCache` when it is current, else parsed (and the copy written);
    /// always parsed without a cache folder.
    static func load(_ url: URL, compiledCache: URL?) throws -> WordPieceVocabulary {
        guard let compiledCache else { return try WordPieceVocabulary(parsing: url) }
        let copy = CompiledCopy(magic: "GLMPSWPC", version: 1, sources: [url], name: "wordpiece", cacheFolder: compiledCache)
        return try copy.load(build: { try WordPieceVocabulary(parsing: url) }, encode: { $0.serialized() },
                             decode: WordPieceVocabulary.init(serialized:))
    }

    /// The vocabulary table, the line count, then the trie.
    func serialized() -> Data {
        var writer = BinaryWriter()
        writer.append(bytes: vocabulary.serialized())
        writer.append(UInt64(lineCount))
        trie.serialize(into: &writer)
        return writer.data
    }

    /// What `serialized()` wrote; nil when a part fails its checks, an id is past the last line, or
    /// bytes are left over.
    init?(serialized raw: UnsafeRawBufferPointer) {
        var reader = BinaryReader(raw)
        guard let table = reader.bytes(), let vocabulary = ByteKeyTable(serialized: table),
              let lines = reader.integer(), lines > 0, lines <= UInt64(Int32.max),
              let trie = WordPieceTrie(reading: &reader), reader.isAtEnd
        else { return nil }
        var valid = true
        vocabulary.forEach { _, id in if id >= lines { valid = false } }
        guard valid else { return nil }
        self.init(vocabulary: vocabulary, lineCount: Int(lines), trie: trie)
    }
}
