/// An open-addressing hash table from byte strings (lemmas, BPE symbols) to `UInt64` values, built once.
///
/// All keys live in one byte buffer, so loading WordNet's ~150,000 lemmas (or CLIP's ~49,000 symbols)
/// allocates a handful of arrays instead of one `String` per key, and a lookup hashes the query's
/// bytes directly.
struct ByteKeyTable: Sendable {
    /// The bytes of all keys, back to back.
    private(set) var keyBytes: [UInt8] = []
    /// Per slot: `start << 24 | length` of its key in `keyBytes`; `UInt64.max` when empty.
    private(set) var slotKeys: [UInt64]
    private(set) var slotValues: [UInt64]
    private var mask: Int
    private(set) var count = 0

    static let empty = UInt64.max
    /// Longer keys are cut to this many bytes (16 MiB; no lemma or token comes near).
    static let maximumKeyLength: UInt64 = 0xFF_FFFF

    init(expectedCount: Int = 16, expectedKeyBytes: Int = 0) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slotKeys = [UInt64](repeating: Self.empty, count: capacity)
        slotValues = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        keyBytes.reserveCapacity(expectedKeyBytes)
    }

    /// A table over arrays another table produced (`init?(serialized:)` checks them first).
    init(slotKeys: [UInt64], slotValues: [UInt64], keyBytes: [UInt8], count: Int) {
        self.slotKeys = slotKeys
        self.slotValues = slotValues
        self.keyBytes = keyBytes
        self.count = count
        mask = slotKeys.count - 1
    }

    /// FNV-1a over the bytes, finished with a multiplicative mix.
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of key: UnsafeBufferPointer<UInt8>) -> Int {
        var slot = Self.hash(key) & mask
        keyBytes.withUnsafeBufferPointer { stored in
            while true {
                let ref = slotKeys[slot]
                if ref == Self.empty { return }
                let length = Int(ref & Self.maximumKeyLength)
                if length == key.count {
                    let start = Int(ref >> 24)
                    if length == 0 || memcmp(stored.baseAddress! + start, key.baseAddress!, length) == 0 { return }
                }
                slot = (slot + 1) & mask
            }
        }
        return slot
    }

    /// The value of `key`, or nil.
    func value(for key: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let slot = slot(of: key)
        return slotKeys[slot] == Self.empty ? nil : slotValues[slot]
    }

    /// The value of a string key, or nil.
    func value(for key: String) -> UInt64? {
        var key = key
        return key.withUTF8 { value(for: $0) }
    }

    /// Combines `value` into the key's value with `|` (a new key starts from 0). Keys are at most
    /// `maximumKeyLength` bytes.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, orValue value: UInt64) {
        slotValues[slotAdding(key)] |= value
    }

    /// Sets the key's value to `value`, replacing any earlier one.
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, to value: UInt64) {
        slotValues[slotAdding(key)] = value
    }

    /// The slot of `key`, added (with value 0) when it is new.
    private mutating func slotAdding(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        if (count + 1) * 2 > slotKeys.count { grow() }
        let slot = slot(of: key)
        if slotKeys[slot] == Self.empty {
            slotKeys[slot] = UInt64(keyBytes.count) << 24 | min(UInt64(key.count), Self.maximumKeyLength)
            keyBytes.append(contentsOf: key.prefix(Int(Self.maximumKeyLength)))
            count += 1
        }
        return slot
    }

    /// Calls `body` with every key and its value, in no particular order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt64) throws -> Void) rethrows {
        try keyBytes.withUnsafeBufferPointer { stored in
            for (ref, value) in zip(slotKeys, slotValues) where ref != Self.empty {
                let start = Int(ref >> 24)
                try body(UnsafeBufferPointer(rebasing: stored[start..<start + Int(ref & Self.maximumKeyLength)]), value)
            }
        }
    }

    private mutating func grow() {
        let oldKeys = slotKeys
        let oldValues = slotValues
        let capacity = oldKeys.count * 2
        slotKeys = [UInt64](repeating: Self.empty, count: capacity)
        slotValues = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        keyBytes.withUnsafeBufferPointer { stored in
            for (ref, value) in zip(oldKeys, oldValues) where ref != Self.empty {
                let key = UnsafeBufferPointer(rebasing: stored[Int(ref >> 24)..<Int(ref >> 24) + Int(ref & Self.maximumKeyLength)])
                var slot = Self.hash(key) & mask
                while slotKeys[slot] != Self.empty { slot = (slot + 1) & mask }
                slotKeys[slot] = ref
                slotValues[slot] = value
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
