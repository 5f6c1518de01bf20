import Foundation

extension ByteKeyTable {
    /// The table as bytes (little-endian): count, slot count and key-byte count (UInt64 each), then the
    /// slots' key references and values (UInt64 each) and the key bytes. `init?(serialized:)` reads it
    /// back without hashing a single key. The table is written with as few slots as it needs (a table
    /// built with room to spare is rehashed first), so the copy is as small as it can be.
    func serialized() -> Data {
        var needed = 16
        while needed < count * 2 { needed <<= 1 }
        if slotKeys.count > needed {
            var compact = ByteKeyTable(expectedCount: count, expectedKeyBytes: keyBytes.count)
            forEach { key, value in compact.set(key, to: value) }
            return compact.serialized()
        }
        var data = Data(capacity: 24 + slotKeys.count * 16 + keyBytes.count)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt64(count))
        append(UInt64(slotKeys.count))
        append(UInt64(keyBytes.count))
        for ref in slotKeys { append(ref) }
        for value in slotValues { append(value) }
        data.append(contentsOf: keyBytes)
        return data
    }

    /// The table `serialized()` wrote; nil unless the sizes agree, the slot count is a power of two at
    /// least twice `count`, exactly `count` slots are used and every key lies inside the key bytes (a
    /// damaged file must not make a lookup read past them).
    init?(serialized raw: UnsafeRawBufferPointer) {
        guard raw.count >= 24 else { return nil }
        func word(_ index: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
        let (count, slots, bytes) = (word(0), word(1), word(2))
        guard slots >= 16, slots.nonzeroBitCount == 1, count * 2 <= slots, slots <= UInt64(raw.count / 16),
              bytes <= UInt64(raw.count), UInt64(raw.count) == 24 + slots * 16 + bytes
        else { return nil }
        let slotCount = Int(slots), byteCount = Int(bytes)
        var keys = [UInt64](repeating: 0, count: slotCount)
        var values = [UInt64](repeating: 0, count: slotCount)
        var used = 0
        for index in 0..<slotCount {
            let ref = word(3 + index)
            keys[index] = ref
            values[index] = word(3 + slotCount + index)
            guard ref != Self.empty else { continue }
            used += 1
            guard (ref >> 24) + (ref & Self.maximumKeyLength) <= bytes else { return nil }
        }
        guard used == Int(count) else { return nil }
        self.init(slotKeys: keys, slotValues: values, keyBytes: Array(raw[(24 + slotCount * 16)..<(24 + slotCount * 16 + byteCount)]),
                  count: used)
    }
}
