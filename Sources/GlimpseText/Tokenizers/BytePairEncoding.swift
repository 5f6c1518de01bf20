import Foundation

/// GPT-2's reversible map from bytes to printable characters (transformers' `bytes_to_unicode`):
/// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100, U+0101, ...
enum ByteLevel {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// Byte for each byte-level character (indexed by scalar value below U+0144; -1 if none).
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, s) in byteToScalar.enumerated() { table[Int(s.value)] = Int16(b) }
        return table
    }()

    /// The byte-level string for raw `bytes`, as UTF-8 (the form vocab.json keys have).
    static func encodedUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendUTF8(bytes.map { byteToScalar[Int($0)] }, to: &out)
        return out
    }

    /// The raw bytes a byte-level token stands for; nil if it has characters outside the alphabet.
    static func decodedBytes(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in token.unicodeScalars {
            guard s.value < 0x144, case let b = scalarToByte[Int(s.value)], b >= 0 else { return nil }
            out.append(UInt8(b))
        }
        return out
    }
}

/// CLIP's byte-pair encoding of one pre-token (transformers' `CLIPTokenizer.bpe`): the bytes as
/// byte-level symbols, `</w>` on the last one, then repeatedly the lowest-ranked adjacent pair
/// merged everywhere (left to right), until no pair has a rank.
///
/// Symbols are numbered internally; merges are `(left, right) → (rank, merged)` on those numbers.
/// Results are cached per pre-token (captions repeat words a lot).
final class BytePairModel: Sendable {
    /// Symbol for byte `b` (`byteSymbol`) and for byte `b` + `</w>` (`byteEndSymbol`).
    private let byteSymbol: [Int32]
    private let byteEndSymbol: [Int32]
    /// `(left << 32) | right` → `(rank << 32) | merged`.
    private let merges: IntegerTable
    /// Vocabulary id of each symbol (the unknown id when the vocabulary lacks it).
    private let symbolIds: [Int32]
    private let cache = BPECache()

    /// - Parameters:
    ///   - vocabulary: token (UTF-8 of the byte-level string) → id.
    ///   - merges: pairs of byte-level symbols (UTF-8), in rank order.
    init(vocabulary: [[UInt8]: Int], merges: [([UInt8], [UInt8])], unknownId: Int) {
        var symbols: [[UInt8]: Int32] = [:]
        symbols.reserveCapacity(vocabulary.count + 64)
        var symbolIds: [Int32] = []
        symbolIds.reserveCapacity(vocabulary.count + 64)
        func symbol(_ bytes: [UInt8]) -> Int32 {
            if let s = symbols[bytes] { return s }
            let s = Int32(symbolIds.count)
            symbols[bytes] = s
            symbolIds.append(Int32(vocabulary[bytes] ?? unknownId))
            return s
        }
        let endOfWord = Array("</w>".utf8)
        var byteSymbol: [Int32] = []
        var byteEndSymbol: [Int32] = []
        for b in 0..<256 {
            var char: [UInt8] = []
            appendUTF8(CollectionOfOne(ByteLevel.byteToScalar[b]), to: &char)
            byteSymbol.append(symbol(char))
            byteEndSymbol.append(symbol(char + endOfWord))
        }
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            let l = symbol(left)
            let r = symbol(right)
            let merged = symbol(left + right)
            table[UInt64(UInt32(l)) << 32 | UInt64(UInt32(r))] = UInt64(rank) << 32 | UInt64(UInt32(merged))
        }
        self.byteSymbol = byteSymbol
        self.byteEndSymbol = byteEndSymbol
        self.merges = IntegerTable(table.lazy.map { ($0.key, $0.value) }, count: table.count)
        self.symbolIds = symbolIds
    }

    /// Appends the vocabulary ids of the pre-token with UTF-8 `bytes` to `ids`.
    func appendIds(of bytes: [UInt8], to ids: inout [Int]) {
        if let cached = cache[bytes] {
            for id in cached { ids.append(Int(id)) }
            return
        }
        let result = encode(bytes)
        cache[bytes] = result
        for id in result { ids.append(Int(id)) }
    }

    private func encode(_ bytes: [UInt8]) -> [Int32] {
        guard let lastByte = bytes.last else { return [] }
        var word = bytes.dropLast().map { byteSymbol[Int($0)] }
        word.append(byteEndSymbol[Int(lastByte)])
        var next: [Int32] = []
        next.reserveCapacity(word.count)
        while word.count > 1 {
            var bestRank = UInt64.max
            var bestLeft: Int32 = 0
            var bestRight: Int32 = 0
            var bestMerged: Int32 = 0
            for i in 0..<(word.count - 1) {
                guard let entry = merges[UInt64(UInt32(word[i])) << 32 | UInt64(UInt32(word[i + 1]))] else { continue }
                let rank = entry >> 32
                if rank < bestRank {
                    bestRank = rank
                    bestLeft = word[i]
                    bestRight = word[i + 1]
                    bestMerged = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
                }
            }
            if bestRank == UInt64.max { break }
            next.removeAll(keepingCapacity: true)
            var i = 0
            while i < word.count {
                if i + 1 < word.count, word[i] == bestLeft, word[i + 1] == bestRight {
                    next.append(bestMerged)
                    i += 2
                } else {
                    next.append(word[i])
                    i += 1
                }
            }
            swap(&word, &next)
        }
        return word.map { symbolIds[Int($0)] }
    }
}

/// A bounded, thread-safe cache of BPE results keyed by the pre-token's UTF-8 bytes.
final class BPECache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[UInt8]: [Int32]] = [:]
    private let limit = 50_000

    subscript(key: [UInt8]) -> [Int32]? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return entries[key]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = newValue
        }
    }
}
