import Foundation

/// CLIP's byte-level BPE tokenizer, exact to transformers' slow `CLIPTokenizer` without ftfy
/// (transformers' default: its `BasicTokenizer` cleans the text — control characters removed,
/// whitespace collapsed, spaces around CJK ideographs, NFC, lower-cased — no accent stripping).
///
/// Pre-tokens follow CLIP's pattern `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|
/// [\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+` (matched here without a regex engine), each one BPE-encoded
/// with `</w>` marking its end. Sequences are `<|startoftext|> A <|endoftext|>`; batches pad with
/// `<|endoftext|>` and are cut to 77 tokens by default.
public struct CLIPTokenizer: Tokenizer {
    public let modelMaxLength: Int
    public let padTokenId: Int
    /// `<|startoftext|>` (49406 in openai/clip-vit-base-patch32).
    public let bosTokenId: Int
    /// `<|endoftext|>` (49407); also the unknown and the padding token.
    public let eosTokenId: Int
    public let specialTokenIds: Set<Int>
    /// Whether `decode` applies transformers' `clean_up_tokenization` (CLIPTokenizer's default: false).
    public let cleanUpTokenizationSpaces: Bool
    /// Number of ids in the vocabulary.
    public var count: Int { tables.count }

    let tables: Tables

    final class Tables: Sendable {
        let bpe: BytePairModel
        let basic = BasicTokenizer(stripAccentsAndSplitPunctuation: false, preLowercase: false)
        let splitter: AddedTokenSplitter
        /// Raw bytes each id stands for (byte-level decoded), nil for ids not in the vocabulary.
        let tokenBytes: [[UInt8]?]
        let count: Int

        init(bpe: BytePairModel, splitter: AddedTokenSplitter, tokenBytes: [[UInt8]?], count: Int) {
            self.bpe = bpe
            self.splitter = splitter
            self.tokenBytes = tokenBytes
            self.count = count
        }
    }

    /// Reads the hub's `vocab.json` and `merges.txt` (as openai/clip-vit-base-patch32 ships them).
    /// Like transformers' CLIPTokenizer, the first line of merges.txt (`#version: 0.2`) is skipped and
    /// only the next 48,894 merges (49152 − 256 − 2) are used.
    public init(vocabularyURL: URL, mergesURL: URL, modelMaxLength: Int = 77, cleanUpTokenizationSpaces: Bool = false)
        throws
    {
        let vocabulary = try CLIPFiles.readVocabulary(vocabularyURL)
        let merges = try CLIPFiles.readMerges(mergesURL)
        try self.init(vocabulary: vocabulary, merges: merges, addedTokens: [], source: vocabularyURL,
                      modelMaxLength: modelMaxLength, cleanUpTokenizationSpaces: cleanUpTokenizationSpaces)
    }

    /// Reads a byte-level BPE `tokenizer.json` (the hub's fast-tokenizer file): its vocabulary,
    /// merges and added tokens. Text is still cleaned and pre-tokenized as the slow CLIPTokenizer does.
    public init(tokenizerJSONURL: URL, modelMaxLength: Int = 77, cleanUpTokenizationSpaces: Bool = false) throws {
        let file = try CLIPFiles.readTokenizerJSON(tokenizerJSONURL)
        try self.init(vocabulary: file.vocabulary, merges: file.merges, addedTokens: file.addedTokens,
                      source: tokenizerJSONURL, modelMaxLength: modelMaxLength,
                      cleanUpTokenizationSpaces: cleanUpTokenizationSpaces)
    }

    /// Reads a model directory in the hub's layout: `vocab.json` + `merges.txt`, else `tokenizer.json`.
    public init(directory: URL, modelMaxLength: Int = 77) throws {
        let vocab = directory.appendingPathComponent("vocab.json")
        let merges = directory.appendingPathComponent("merges.txt")
        let json = directory.appendingPathComponent("tokenizer.json")
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        if exists(vocab) || !exists(json) {
            try self.init(vocabularyURL: vocab, mergesURL: merges, modelMaxLength: modelMaxLength)
        } else {
            try self.init(tokenizerJSONURL: json, modelMaxLength: modelMaxLength)
        }
    }

    private init(
        vocabulary: ByteKeyTable, merges: MergeList, addedTokens: [(content: String, id: Int)],
        source: URL, modelMaxLength: Int, cleanUpTokenizationSpaces: Bool
    ) throws {
        func id(_ token: String) throws -> Int {
            if let id = vocabulary.value(for: token).map(Int.init) ?? addedTokens.first(where: { $0.content == token })?.id {
                return id
            }
            throw TextError.malformedVocabulary(source, reason: "it has no \(token) token")
        }
        let bos = try id("<|startoftext|>")
        let eos = try id("<|endoftext|>")
        var added = [(content: "<|startoftext|>", id: bos), (content: "<|endoftext|>", id: eos)]
        for token in addedTokens where !added.contains(where: { $0.content == token.content }) { added.append(token) }

        var maxId = added.map(\.id).max() ?? 0
        vocabulary.forEach { _, id in maxId = max(maxId, Int(id)) }
        var tokenBytes = [[UInt8]?](repeating: nil, count: maxId + 1)
        vocabulary.forEach { token, id in
            let utf8 = Array(token)
            tokenBytes[Int(id)] = ByteLevel.decodedBytes(utf8: utf8) ?? utf8
        }
        for token in added where token.id >= 0 {
            tokenBytes[token.id] = ByteLevel.decodedBytes(token.content) ?? Array(token.content.utf8)
        }
        self.modelMaxLength = modelMaxLength
        self.padTokenId = eos
        self.bosTokenId = bos
        self.eosTokenId = eos
        self.specialTokenIds = [bos, eos]
        self.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces
        self.tables = Tables(
            bpe: BytePairModel(vocabulary: vocabulary, merges: merges, unknownId: eos),
            splitter: AddedTokenSplitter(added),
            tokenBytes: tokenBytes,
            count: tokenBytes.lazy.filter { $0 != nil }.count)
    }

    public func tokenIds(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        var utf8: [UInt8] = []
        for piece in tables.splitter.split(scalars) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let range):
                tables.basic.forEachWord(in: scalars, range: range) { word in
                    CLIPPreTokenizer.forEachPiece(in: word) { piece in
                        switch piece {
                        case .bos: ids.append(bosTokenId)
                        case .eos: ids.append(eosTokenId)
                        case .text(let scalars):
                            utf8.removeAll(keepingCapacity: true)
                            appendUTF8(scalars, to: &utf8)
                            tables.bpe.appendIds(of: utf8, to: &ids)
                        }
                    }
                }
            }
        }
        return ids
    }

    /// Token strings as transformers shows them (byte-level characters, `</w>` at word ends).
    public func tokenize(_ text: String) -> [String] {
        tokenIds(text).map { id in
            guard id < tables.tokenBytes.count, let bytes = tables.tokenBytes[id] else { return "" }
            if specialTokenIds.contains(id) { return String(decoding: bytes, as: UTF8.self) }
            return String(decoding: ByteLevel.encodedUTF8(bytes), as: UTF8.self)
        }
    }

    /// `<|startoftext|> A <|endoftext|>`; a pair (unusual for CLIP) is
    /// `<|startoftext|> A <|endoftext|> <|endoftext|> B <|endoftext|>`. Token types are all 0.
    public func addingSpecialTokens(_ first: [Int], pair second: [Int]?) -> Encoding {
        var ids = [bosTokenId]
        ids.reserveCapacity(first.count + (second.map { $0.count + 4 } ?? 2))
        ids += first
        ids.append(eosTokenId)
        if let second {
            ids.append(eosTokenId)
            ids += second
            ids.append(eosTokenId)
        }
        return Encoding(ids: ids, tokenTypeIds: Array(repeating: 0, count: ids.count))
    }

    public func numberOfSpecialTokens(pair: Bool) -> Int { pair ? 4 : 2 }

    /// transformers' slow `decode`: the tokens' bytes joined, `</w>` replaced by a space, decoded as
    /// UTF-8 with U+FFFD for invalid sequences, stripped. Ids outside the vocabulary are left out
    /// (transformers fails on them).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if skipSpecialTokens, specialTokenIds.contains(id) { continue }
            guard id >= 0, id < tables.tokenBytes.count, let token = tables.tokenBytes[id] else { continue }
            bytes += token
        }
        bytes = PythonText.replace(bytes, Self.endOfWord, with: [0x20])
        let text = PythonText.strip(String(decoding: bytes, as: UTF8.self))
        guard cleanUpTokenizationSpaces else { return text }
        return String(decoding: PythonText.cleanUpTokenization(Array(text.utf8)), as: UTF8.self)
    }

    private static let endOfWord: [UInt8] = Array("</w>".utf8)
}
