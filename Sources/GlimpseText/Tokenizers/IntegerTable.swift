/// An open-addressing hash table from `UInt64` keys to `UInt64` values, with a cheap multiplicative
/// hash (the tokenizers look keys up for every character; Swift's `Dictionary` hashes with SipHash,
/// several times slower here). Built while a tokenizer loads, then only read.
struct IntegerTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private var occupied: [Bool]
    private var shift: UInt64
    private var mask: Int
    private(set) var count = 0

    /// An empty table with room for `capacity` keys before it grows.
    init(capacity: Int = 8) {
        var slots = 16
        var bits: UInt64 = 4
        while slots < capacity * 2 {
            slots <<= 1
            bits += 1
        }
        keys = [UInt64](repeating: 0, count: slots)
        values = [UInt64](repeating: 0, count: slots)
        occupied = [Bool](repeating: false, count: slots)
        shift = 64 - bits
        mask = slots - 1
    }

    /// Later duplicates of a key replace earlier ones.
    init<S: Sequence>(_ pairs: S, count: Int) where S.Element == (UInt64, UInt64) {
        self.init(capacity: count)
        for (key, value) in pairs { self[key] = value }
    }

    @inline(__always)
    private func index(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The value of `key`; setting replaces it (nil is not stored).
    @inline(__always)
    subscript(key: UInt64) -> UInt64? {
        get {
            var slot = index(key)
            while occupied[slot] {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { return }
            if (count + 1) * 2 > keys.count { grow() }
            var slot = index(key)
            while occupied[slot], keys[slot] != key { slot = (slot + 1) & mask }
            if !occupied[slot] {
                occupied[slot] = true
                keys[slot] = key
                count += 1
            }
            values[slot] = newValue
        }
    }

    private mutating func grow() {
        let old = (keys, values, occupied)
        self = IntegerTable(capacity: keys.count)
        for slot in old.2.indices where old.2[slot] { self[old.0[slot]] = old.1[slot] }
    }

    /// Calls `body` with every stored value.
    func forEachValue(_ body: (UInt64) -> Void) {
        for slot in occupied.indices where occupied[slot] { body(values[slot]) }
    }

    /// Appends the table to `writer` (keys, values and which slots are used).
    func serialize(into writer: inout BinaryWriter) {
        writer.append(keys)
        writer.append(values)
        writer.append(occupied.map { UInt8($0 ? 1 : 0) })
    }

    /// The table `serialize(into:)` wrote; nil unless the arrays have the same power-of-two size, at
    /// least twice the used slots.
    init?(reading reader: inout BinaryReader) {
        guard let keys = reader.array(of: UInt64.self), let values = reader.array(of: UInt64.self),
              let flags = reader.array(of: UInt8.self), keys.count >= 16, keys.count.nonzeroBitCount == 1,
              values.count == keys.count, flags.count == keys.count, flags.allSatisfy({ $0 <= 1 })
        else { return nil }
        let used = flags.reduce(0) { $0 + Int($1) }
        guard used * 2 <= keys.count else { return nil }
        self.keys = keys
        self.values = values
        occupied = flags.map { $0 == 1 }
        shift = UInt64(64 - keys.count.trailingZeroBitCount)
        mask = keys.count - 1
        count = used
    }
}

