/// An immutable open-addressing hash table from `UInt64` keys to `UInt64` values, with a cheap
/// multiplicative hash (the tokenizers look keys up for every character; Swift's `Dictionary`
/// hashes with SipHash, several times slower here).
struct IntegerTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private var occupied: [Bool]
    private let shift: UInt64
    private let mask: Int

    /// Later duplicates of a key replace earlier ones.
    init<S: Sequence>(_ pairs: S, count: Int) where S.Element == (UInt64, UInt64) {
        var capacity = 16
        var bits: UInt64 = 4
        while capacity < count * 2 {
            capacity <<= 1
            bits += 1
        }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        shift = 64 - bits
        mask = capacity - 1
        for (key, value) in pairs {
            var slot = index(key)
            while occupied[slot], keys[slot] != key { slot = (slot + 1) & mask }
            occupied[slot] = true
            keys[slot] = key
            values[slot] = value
        }
    }

    @inline(__always)
    private func index(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)
    subscript(key: UInt64) -> UInt64? {
        var slot = index(key)
        while occupied[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
