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

    /// `decodedBytes(_:)` of the token with UTF-8 `utf8`, without making a `String`: every character of the
    /// alphabet is below U+0144, so one or two bytes; anything else (longer or invalid sequences,
    /// which `String(decoding:)` would repair into U+FFFD) gives nil.
    static func decodedBytes(utf8: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let lead = utf8[index]
            var value: Int
            if lead < 0x80 {
                value = Int(lead)
                index += 1
            } else if (0xC2...0xDF).contains(lead), index + 1 < utf8.count, utf8[index + 1] & 0xC0 == 0x80 {
                value = Int(lead & 0x1F) << 6 | Int(utf8[index + 1] & 0x3F)
                index += 2
            } else {
                return nil
            }
            guard value < 0x144, case let b = scalarToByte[value], b >= 0 else { return nil }
            out.append(UInt8(b))
        }
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
    init(vocabulary: ByteKeyTable, merges: MergeList, unknownId: Int) {
        // Byte-keyed tables: about 150,000 lookups while loading, none of which may allocate (loading
        // CLIP's tokenizer is part of every `glimpse search`).
        var symbols = ByteKeyTable(expectedCount: vocabulary.count + 64)
        var symbolIds: [Int32] = []
        symbolIds.reserveCapacity(vocabulary.count + 64)
        func symbol(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            if let s = symbols.value(for: bytes) { return Int32(truncatingIfNeeded: s) }
            let s = Int32(symbolIds.count)
            symbols.insert(bytes, orValue: UInt64(s))
            symbolIds.append(Int32(truncatingIfNeeded: vocabulary.value(for: bytes) ?? UInt64(unknownId)))
            return s
        }
        let endOfWord = Array("</w>".utf8)
        var byteSymbol: [Int32] = []
        var byteEndSymbol: [Int32] = []
        for b in 0..<256 {
            var char: [UInt8] = []
            appendUTF8(CollectionOfOne(ByteLevel.byteToScalar[b]), to: &char)
            byteSymbol.append(char.withUnsafeBufferPointer { symbol($0) })
            byteEndSymbol.append((char + endOfWord).withUnsafeBufferPointer { symbol($0) })
        }
        var pairs: [(UInt64, UInt64)] = []
        pairs.reserveCapacity(merges.count)
        merges.forEach { left, right, merged in
            let key = UInt64(UInt32(symbol(left))) << 32 | UInt64(UInt32(symbol(right)))
            pairs.append((key, UInt64(pairs.count) << 32 | UInt64(UInt32(symbol(merged)))))
        }
        self.byteSymbol = byteSymbol
        self.byteEndSymbol = byteEndSymbol
        self.merges = IntegerTable(pairs, count: pairs.count)
        self.symbolIds = symbolIds
    }

    private init(byteSymbol: [Int32], byteEndSymbol: [Int32], merges: IntegerTable, symbolIds: [Int32]) {
        self.byteSymbol = byteSymbol
        self.byteEndSymbol = byteEndSymbol
        self.merges = merges
        self.symbolIds = symbolIds
    }

    /// Appends the model's tables to `writer` (for a compiled copy of the tokenizer).
    func serialize(into writer: inout BinaryWriter) {
        writer.append(byteSymbol)
        writer.append(byteEndSymbol)
        writer.append(symbolIds)
        merges.serialize(into: &writer)
    }

    /// The model `serialize(into:)` wrote; nil unless every symbol a byte or a merge yields is one the
    /// model knows (a damaged copy must not index past `symbolIds`).
    convenience init?(reading reader: inout BinaryReader) {
        guard let byteSymbol = reader.array(of: Int32.self), let byteEndSymbol = reader.array(of: Int32.self),
              let symbolIds = reader.array(of: Int32.self), let merges = IntegerTable(reading: &reader),
              byteSymbol.count == 256, byteEndSymbol.count == 256
        else { return nil }
        let symbols = Int32(clamping: symbolIds.count)
        guard (byteSymbol + byteEndSymbol).allSatisfy({ $0 >= 0 && $0 < symbols }) else { return nil }
        var valid = true
        merges.forEachValue { entry in
            let merged = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            if merged < 0 || merged >= symbols { valid = false }
        }
        guard valid else { return nil }
        self.init(byteSymbol: byteSymbol, byteEndSymbol: byteEndSymbol, merges: merges, symbolIds: symbolIds)
    }

    /// Appends the vocabulary ids of the pre-token with UTF-8 `bytes` to `ids`.
    func appendIds(of bytes: [UInt8], to ids: inout [Int]) {
        if let cached = cache[bytes] {
            for id in cached { ids.append(Int(id)) }
            return
        }
        let result = encode(bytes)
        if bytes.count <= Self.cachedLength { cache[bytes] = result }
        for id in result { ids.append(Int(id)) }
    }

    /// Pre-tokens longer than this use the heap-based merge (O(n log n) instead of O(n²)).
    static let longWord = 48
    /// Longer pre-tokens are not cached (rare, and they would bloat the cache).
    static let cachedLength = 128

    func encode(_ bytes: [UInt8]) -> [Int32] {
        guard !bytes.isEmpty else { return [] }
        let word = initialSymbols(bytes)
        let symbols = word.count > Self.longWord ? mergeWithHeap(word) : mergeByScanning(word)
        return symbols.map { symbolIds[Int($0)] }
    }

    /// One symbol per byte, the last one with `</w>`.
    func initialSymbols(_ bytes: [UInt8]) -> [Int32] {
        var word = bytes.dropLast().map { byteSymbol[Int($0)] }
        if let last = bytes.last { word.append(byteEndSymbol[Int(last)]) }
        return word
    }

    @inline(__always)
    private func merge(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32)? {
        guard let entry = merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))] else { return nil }
        return (UInt32(truncatingIfNeeded: entry >> 32), Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF))
    }

    /// transformers' loop: find the lowest-ranked adjacent pair, merge all its occurrences left
    /// to right, repeat.
    func mergeByScanning(_ symbols: [Int32]) -> [Int32] {
        var word = symbols
        var next: [Int32] = []
        next.reserveCapacity(word.count)
        while word.count > 1 {
            var bestRank = UInt32.max
            var bestLeft: Int32 = 0
            var bestRight: Int32 = 0
            var bestMerged: Int32 = 0
            for i in 0..<(word.count - 1) {
                guard let m = merge(word[i], word[i + 1]), m.rank < bestRank else { continue }
                bestRank = m.rank
                bestLeft = word[i]
                bestRight = word[i + 1]
                bestMerged = m.merged
            }
            if bestRank == UInt32.max { break }
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
        return word
    }

    /// The same result as ``mergeByScanning(_:)`` in O(n log n): a min-heap of (rank, position)
    /// over a linked list of symbols. All pairs of the lowest rank are taken out before any is
    /// merged, so pairs a merge creates wait for the next round, exactly as in the scanning loop.
    func mergeWithHeap(_ symbols: [Int32]) -> [Int32] {
        var symbol = symbols
        let n = symbol.count
        var next = (0..<n).map { Int32($0 + 1) }
        next[n - 1] = -1
        var prev = (0..<n).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        for i in 0..<(n - 1) {
            if let m = merge(symbol[i], symbol[i + 1]) { heap.push(UInt64(m.rank) << 32 | UInt64(i)) }
        }
        var round: [Int] = []
        while let top = heap.pop() {
            let rank = UInt32(top >> 32)
            round.removeAll(keepingCapacity: true)
            round.append(Int(top & 0xFFFF_FFFF))
            while let peek = heap.peek, UInt32(peek >> 32) == rank {
                round.append(Int(heap.pop()! & 0xFFFF_FFFF))
            }
            for p in round {
                let q = Int(next[p])
                guard alive[p], q >= 0, let m = merge(symbol[p], symbol[q]), m.rank == rank else { continue }
                symbol[p] = m.merged
                alive[q] = false
                next[p] = next[q]
                if next[q] >= 0 { prev[Int(next[q])] = Int32(p) }
                if prev[p] >= 0, let left = merge(symbol[Int(prev[p])], symbol[p]) {
                    heap.push(UInt64(left.rank) << 32 | UInt64(prev[p]))
                }
                if next[p] >= 0, let right = merge(symbol[p], symbol[Int(next[p])]) {
                    heap.push(UInt64(right.rank) << 32 | UInt64(p))
                }
            }
        }
        var out: [Int32] = []
        var i = 0
        while i >= 0 {
            out.append(symbol[i])
            i = Int(next[i])
        }
        return out
    }
}

/// A binary min-heap of `UInt64`.
struct MinHeap {
    private var items: [UInt64] = []

    var peek: UInt64? { items.first }

    mutating func push(_ value: UInt64) {
        items.append(value)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent] <= items[i] { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var smallest = i
                if l < items.count, items[l] < items[smallest] { smallest = l }
                if r < items.count, items[r] < items[smallest] { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest)
                i = smallest
            }
        }
        return top
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
