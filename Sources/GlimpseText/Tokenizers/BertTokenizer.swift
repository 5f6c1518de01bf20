import Foundation

/// BERT's WordPiece tokenizer (uncased), exact to transformers' slow `BertTokenizer` with
/// `do_lower_case=True`, `tokenize_chinese_chars=True`, `strip_accents=None`:
/// lower-casing, accent stripping, punctuation and CJK splitting, control-character removal, and
/// greedy longest-match WordPiece with `[UNK]` (words over 100 characters are one `[UNK]`).
///
/// Sequences are `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]` (token types 0 for A, 1 for B).
/// ``blip(vocabularyURL:)`` makes BLIP's variant with `[DEC]` (the caption decoder's start token)
/// and `[ENC]` added after the vocabulary.
public struct BertTokenizer: Tokenizer {
    public let modelMaxLength: Int
    public let padTokenId: Int
    public let unknownTokenId: Int
    public let clsTokenId: Int
    public let sepTokenId: Int
    public let maskTokenId: Int
    /// The beginning-of-sequence token, if one was added (BLIP: `[DEC]`, 30522 for bert-base-uncased).
    public let bosTokenId: Int?
    /// Ids of the additional special tokens (BLIP: `[ENC]`, 30523).
    public let additionalSpecialTokenIds: [Int]
    public let specialTokenIds: Set<Int>
    /// Whether `decode` applies transformers' `clean_up_tokenization` (BertTokenizer's default: true).
    public let cleanUpTokenizationSpaces: Bool
    /// Number of ids, added tokens included (transformers' `len(tokenizer)`).
    public var count: Int { tables.count }

    let tables: Tables

    /// Immutable lookup tables shared by copies of the tokenizer.
    final class Tables: Sendable {
        let model: WordPieceModel
        let basic = BasicTokenizer(stripAccentsAndSplitPunctuation: true, preLowercase: true)
        let splitter: AddedTokenSplitter
        /// Added tokens by id (the special tokens; `[DEC]`, `[ENC]`).
        let addedTokens: [Int: [UInt8]]
        /// Contents of all special tokens (decode skips tokens spelled like one).
        let specialTokenContents: Set<[UInt8]>
        /// Tokens decoded as separate pieces (transformers' `legacy_added_tokens`).
        let legacyTokens: Set<[UInt8]>
        let unknownToken: [UInt8]
        let count: Int
        private let vocabulary: ByteKeyTable
        private let lineCount: Int
        private let decoded = ComputedOnce<[[UInt8]]>()

        init(model: WordPieceModel, splitter: AddedTokenSplitter, vocabulary: ByteKeyTable, lineCount: Int,
             addedTokens: [Int: [UInt8]], specialTokenContents: Set<[UInt8]>, legacyTokens: Set<[UInt8]>,
             unknownToken: [UInt8], count: Int) {
            self.model = model
            self.splitter = splitter
            self.vocabulary = vocabulary
            self.lineCount = lineCount
            self.addedTokens = addedTokens
            self.specialTokenContents = specialTokenContents
            self.legacyTokens = legacyTokens
            self.unknownToken = unknownToken
            self.count = count
        }

        /// UTF-8 of the token for each vocabulary id (line number of vocab.txt), built on first use
        /// (decoding): transformers' ids_to_tokens comes from the token→id dict, so an id whose token
        /// is listed again later decodes as [UNK].
        var tokenBytes: [[UInt8]] {
            decoded.get {
                var tokens = [[UInt8]](repeating: unknownToken, count: lineCount)
                vocabulary.forEach { token, id in
                    if Int(id) < lineCount { tokens[Int(id)] = Array(token) }
                }
                return tokens
            }
        }
    }

    /// Reads a WordPiece `vocab.txt` (one token per line; the line number is the id).
    /// - Parameters:
    ///   - bosToken: a beginning-of-sequence token to add (or find in the vocabulary).
    ///   - additionalSpecialTokens: further special tokens, added after `bosToken`.
    ///   - modelMaxLength: the model's longest input (512 for BERT and BLIP).
    ///   - cleanUpTokenizationSpaces: transformers' `clean_up_tokenization_spaces` for decoding.
    ///   - compiledCache: a folder for a compiled copy of the parsed vocabulary (`CompiledCopy`), read
    ///     instead of vocab.txt while the file is unchanged; nil parses it every time.
    public init(
        vocabularyURL: URL, bosToken: String? = nil, additionalSpecialTokens: [String] = [],
        modelMaxLength: Int = 512, cleanUpTokenizationSpaces: Bool = true, compiledCache: URL? = nil
    ) throws {
        let parts = try WordPieceVocabulary.load(vocabularyURL, compiledCache: compiledCache)
        let byBytes = parts.vocabulary
        // Special tokens in transformers' order (unk, sep, pad, cls, mask, then bos and additional
        // ones as BLIP adds them); one missing from the vocabulary gets the next free id.
        var nextId = byBytes.count
        var added: [Int: [UInt8]] = [:]
        func idFor(_ token: String) -> Int {
            let bytes = Array(token.utf8)
            if let id = byBytes.value(for: token).map(Int.init) {
                added[id] = bytes
                return id
            }
            if let id = added.first(where: { $0.value == bytes })?.key { return id }
            let id = nextId
            nextId += 1
            added[id] = bytes
            return id
        }
        let unk = idFor("[UNK]")
        let sep = idFor("[SEP]")
        let pad = idFor("[PAD]")
        let cls = idFor("[CLS]")
        let mask = idFor("[MASK]")
        let bos = bosToken.map(idFor)
        let additional = additionalSpecialTokens.map(idFor)
        let baseCount = byBytes.count
        var legacy: Set<[UInt8]> = []
        for (token, id) in zip(additionalSpecialTokens, additional) where id >= baseCount {
            legacy.insert(Array(token.utf8))
        }

        self.modelMaxLength = modelMaxLength
        self.padTokenId = pad
        self.unknownTokenId = unk
        self.clsTokenId = cls
        self.sepTokenId = sep
        self.maskTokenId = mask
        self.bosTokenId = bos
        self.additionalSpecialTokenIds = additional
        self.specialTokenIds = Set([unk, sep, pad, cls, mask] + (bos.map { [$0] } ?? []) + additional)
        self.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces
        self.tables = Tables(
            model: WordPieceModel(trie: parts.trie, unknownId: unk),
            splitter: AddedTokenSplitter(added.map { (String(decoding: $0.value, as: UTF8.self), $0.key) }),
            vocabulary: byBytes,
            lineCount: parts.lineCount,
            addedTokens: added,
            specialTokenContents: Set(added.values),
            legacyTokens: legacy,
            unknownToken: Array("[UNK]".utf8),
            count: nextId)
    }

    /// BLIP's captioning tokenizer (`BlipProcessor`'s): bert-base-uncased's vocabulary with `[DEC]`
    /// added as beginning-of-sequence token (id 30522, the caption decoder's start token) and `[ENC]`
    /// as an additional special token (30523). Captions end with `[SEP]` (102); `[PAD]` (0) pads.
    public static func blip(vocabularyURL: URL, compiledCache: URL? = nil) throws -> BertTokenizer {
        try BertTokenizer(vocabularyURL: vocabularyURL, bosToken: "[DEC]", additionalSpecialTokens: ["[ENC]"],
                          compiledCache: compiledCache)
    }

    public func tokenIds(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        for piece in tables.splitter.split(scalars) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let range):
                tables.basic.forEachWord(in: scalars, range: range) { word in
                    tables.model.appendIds(of: word, to: &ids)
                }
            }
        }
        return ids
    }

    public func tokenize(_ text: String) -> [String] {
        tokenIds(text).map { String(decoding: token(for: $0), as: UTF8.self) }
    }

    public func addingSpecialTokens(_ first: [Int], pair second: [Int]?) -> Encoding {
        var ids = [clsTokenId]
        ids.reserveCapacity(first.count + (second?.count ?? 0) + 3)
        ids += first
        ids.append(sepTokenId)
        var types = Array(repeating: 0, count: ids.count)
        if let second {
            ids += second
            ids.append(sepTokenId)
            types += repeatElement(1, count: second.count + 1)
        }
        return Encoding(ids: ids, tokenTypeIds: types)
    }

    public func numberOfSpecialTokens(pair: Bool) -> Int { pair ? 3 : 2 }

    /// The token for an id as transformers' `convert_ids_to_tokens` gives it (`[UNK]` when unknown).
    func token(for id: Int) -> [UInt8] {
        if let added = tables.addedTokens[id] { return added }
        if id >= 0, id < tables.tokenBytes.count { return tables.tokenBytes[id] }
        return tables.unknownToken
    }
}
