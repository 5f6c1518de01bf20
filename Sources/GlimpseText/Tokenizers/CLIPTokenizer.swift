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
        let count: Int
        private let vocabulary: ByteKeyTable
        private let added: [(content: String, id: Int)]
        /// One more than the largest id.
        private let idLimit: Int
        private let decoded = ComputedOnce<[[UInt8]?]>()

        init(bpe: BytePairModel, splitter: AddedTokenSplitter, vocabulary: ByteKeyTable, added: [(content: String, id: Int)],
             idLimit: Int, count: Int) {
            self.bpe = bpe
            self.splitter = splitter
            self.vocabulary = vocabulary
            self.added = added
            self.idLimit = idLimit
            self.count = count
        }

        /// Raw bytes each id stands for (byte-level decoded), nil for ids not in the vocabulary; built on
        /// first use (decoding, `tokenize`), since encoding never needs it.
        var tokenBytes: [[UInt8]?] {
            decoded.get {
                var tokenBytes = [[UInt8]?](repeating: nil, count: idLimit)
                vocabulary.forEach { token, id in
                    let utf8 = Array(token)
                    tokenBytes[Int(id)] = ByteLevel.decodedBytes(utf8: utf8) ?? utf8
                }
                for token in added where token.id >= 0 {
                    tokenBytes[token.id] = ByteLevel.decodedBytes(token.content) ?? Array(token.content.utf8)
                }
                return tokenBytes
            }
        }
    }

    /// Reads the hub's `vocab.json` and `merges.txt` (as openai/clip-vit-base-patch32 ships them).
    /// Like transformers' CLIPTokenizer, the first line of merges.txt (`#version: 0.2`) is skipped and
    /// only the next 48,894 merges (49152 − 256 − 2) are used.
    ///
    /// - Parameter compiledCache: a folder for a compiled copy of the parsed files (`CompiledCopy`), read
    ///   instead of them while they are unchanged; nil parses them every time.
    public init(vocabularyURL: URL, mergesURL: URL, modelMaxLength: Int = 77, cleanUpTokenizationSpaces: Bool = false,
                compiledCache: URL? = nil) throws {
        let parts = try CLIPTokenizerParts.load(sources: [vocabularyURL, mergesURL], compiledCache: compiledCache) {
            try CLIPTokenizerParts(vocabulary: CLIPFiles.readVocabulary(vocabularyURL), merges: CLIPFiles.readMerges(mergesURL),
                                   addedTokens: [], source: vocabularyURL)
        }
        try self.init(parts: parts, source: vocabularyURL, modelMaxLength: modelMaxLength,
                      cleanUpTokenizationSpaces: cleanUpTokenizationSpaces)
    }

    /// Reads a byte-level BPE `tokenizer.json` (the hub's fast-tokenizer file): its vocabulary,
    /// merges and added tokens. Text is still cleaned and pre-tokenized as the slow CLIPTokenizer does.
    public init(tokenizerJSONURL: URL, modelMaxLength: Int = 77, cleanUpTokenizationSpaces: Bool = false,
                compiledCache: URL? = nil) throws {
        let parts = try CLIPTokenizerParts.load(sources: [tokenizerJSONURL], compiledCache: compiledCache) {
            let file = try CLIPFiles.readTokenizerJSON(tokenizerJSONURL)
            return try CLIPTokenizerParts(vocabulary: file.vocabulary, merges: file.merges, addedTokens: file.addedTokens,
                                          source: tokenizerJSONURL)
        }
        try self.init(parts: parts, source: tokenizerJSONURL, modelMaxLength: modelMaxLength,
                      cleanUpTokenizationSpaces: cleanUpTokenizationSpaces)
    }

    /// Reads a model directory in the hub's layout: `vocab.json` + `merges.txt`, else `tokenizer.json`.
    public init(directory: URL, modelMaxLength: Int = 77, compiledCache: URL? = nil) throws {
        let vocab = directory.appendingPathComponent("vocab.json")
        let merges = directory.appendingPathComponent("merges.txt")
        let json = directory.appendingPathComponent("tokenizer.json")
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        if exists(vocab) || !exists(json) {
            try self.init(vocabularyURL: vocab, mergesURL: merges, modelMaxLength: modelMaxLength, compiledCache: compiledCache)
        } else {
            try self.init(tokenizerJSONURL: json, modelMaxLength: modelMaxLength, compiledCache: compiledCache)
        }
    }

    private init(parts: CLIPTokenizerParts, source: URL, modelMaxLength: Int, cleanUpTokenizationSpaces: Bool) throws {
        let vocabulary = parts.vocabulary
        let bos = try CLIPTokenizerParts.id(of: "<|startoftext|>", in: vocabulary, parts.addedTokens, source: source)
        let eos = try CLIPTokenizerParts.id(of: "<|endoftext|>", in: vocabulary, parts.addedTokens, source: source)
        var added = [(content: "<|startoftext|>", id: bos), (content: "<|endoftext|>", id: eos)]
        for token in parts.addedTokens where !added.contains(where: { $0.content == token.content }) { added.append(token) }

        // The ids that stand for a token: the vocabulary's and the added tokens'.
        var maxId = added.map(\.id).max() ?? 0
        vocabulary.forEach { _, id in maxId = max(maxId, Int(id)) }
        var known = [Bool](repeating: false, count: maxId + 1)
        vocabulary.forEach { _, id in known[Int(id)] = true }
        for token in added where token.id >= 0 { known[token.id] = true }
        self.modelMaxLength = modelMaxLength
        self.padTokenId = eos
        self.bosTokenId = bos
        self.eosTokenId = eos
        self.specialTokenIds = [bos, eos]
        self.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces
        self.tables = Tables(bpe: parts.bpe, splitter: AddedTokenSplitter(added), vocabulary: vocabulary, added: added,
                             idLimit: maxId + 1, count: known.lazy.filter { $0 }.count)
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
