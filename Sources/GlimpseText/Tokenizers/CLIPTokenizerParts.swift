import Foundation

/// What a `CLIPTokenizer` is built from: the vocabulary, the byte-pair model made of it and the merges,
/// and the added tokens. Parsed from the hub's files, or read from their compiled copy
/// (`clip-tokenizer-….compiled` in the cache folder, see `CompiledCopy`), which
/// skips parsing about 2.3 MB of JSON and text and building the model (most of a `glimpse search`'s
/// tokenizer time).
struct CLIPTokenizerParts {
    var vocabulary: ByteKeyTable
    var bpe: BytePairModel
    var addedTokens: [(content: String, id: Int)]

    /// Builds the byte-pair model (unknown symbols map to `<|endoftext|>`).
    init(vocabulary: ByteKeyTable, merges: MergeList, addedTokens: [(content: String, id: Int)], source: URL) throws {
        let eos = try Self.id(of: "<|endoftext|>", in: vocabulary, addedTokens, source: source)
        self.init(vocabulary: vocabulary, bpe: BytePairModel(vocabulary: vocabulary, merges: merges, unknownId: eos),
                  addedTokens: addedTokens)
    }

    init(vocabulary: ByteKeyTable, bpe: BytePairModel, addedTokens: [(content: String, id: Int)]) {
        self.vocabulary = vocabulary
        self.bpe = bpe
        self.addedTokens = addedTokens
    }

    /// The id of a special token, from the vocabulary or the added tokens.
    static func id(of token: String, in vocabulary: ByteKeyTable, _ addedTokens: [(content: String, id: Int)],
                   source: URL) throws -> Int {
        if let id = vocabulary.value(for: token).map(Int.init) ?? addedTokens.first(where: { $0.content == token })?.id {
            return id
        }
        throw TextError.malformedVocabulary(source, reason: "it has no \(token) token")
    }

    /// The parts of `sources` (all in one folder): from their compiled copy in `compiledCache` when it is
    /// current, else `parse()` (and the copy written); always parsed without a cache folder.
    static func load(sources: [URL], compiledCache: URL?, parse: () throws -> CLIPTokenizerParts) throws -> CLIPTokenizerParts {
        guard let compiledCache else { return try parse() }
        let copy = CompiledCopy(magic: "GLMPSBPE", version: 1, sources: sources, name: "clip-tokenizer", cacheFolder: compiledCache)
        return try copy.load(build: parse, encode: { $0.serialized() }, decode: CLIPTokenizerParts.init(serialized:))
    }

    /// The vocabulary, the model, then the added tokens' ids and contents.
    func serialized() -> Data {
        var writer = BinaryWriter()
        writer.append(bytes: vocabulary.serialized())
        bpe.serialize(into: &writer)
        writer.append(addedTokens.map { Int64($0.id) })
        for token in addedTokens { writer.append(bytes: Data(token.content.utf8)) }
        return writer.data
    }

    /// What `serialized()` wrote; nil when any part fails its checks or bytes are left over.
    init?(serialized raw: UnsafeRawBufferPointer) {
        var reader = BinaryReader(raw)
        guard let table = reader.bytes(), let vocabulary = ByteKeyTable(serialized: table),
              let bpe = BytePairModel(reading: &reader), let ids = reader.array(of: Int64.self)
        else { return nil }
        var added: [(content: String, id: Int)] = []
        for id in ids {
            guard let content = reader.bytes(), let text = String(validating: content, as: UTF8.self) else { return nil }
            added.append((text, Int(id)))
        }
        guard reader.isAtEnd else { return nil }
        self.init(vocabulary: vocabulary, bpe: bpe, addedTokens: added)
    }
}
