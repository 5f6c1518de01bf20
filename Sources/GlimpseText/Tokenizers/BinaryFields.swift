import Foundation

/// Little-endian fields written one after another: how compiled copies lay out their bodies.
struct BinaryWriter {
    private(set) var data = Data()

    mutating func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }

    /// The count, then the values.
    mutating func append<Value: FixedWidthInteger>(_ values: [Value]) {
        append(UInt64(values.count))
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    }

    /// The length, then the bytes.
    mutating func append(bytes: Data) {
        append(UInt64(bytes.count))
        data.append(bytes)
    }
}

/// Reads what `BinaryWriter` wrote; every read is nil once the bytes run out, so a short or damaged body
/// cannot be read past its end.
struct BinaryReader {
    let raw: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var isAtEnd: Bool { offset == raw.count }

    mutating func integer() -> UInt64? {
        guard raw.count - offset >= 8 else { return nil }
        defer { offset += 8 }
        return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func array<Value: FixedWidthInteger>(of type: Value.Type) -> [Value]? {
        let size = MemoryLayout<Value>.size
        guard let count = integer(), count <= UInt64((raw.count - offset) / size) else { return nil }
        defer { offset += Int(count) * size }
        return (0..<Int(count)).map { Value(littleEndian: raw.loadUnaligned(fromByteOffset: offset + $0 * size, as: Value.self)) }
    }

    mutating func bytes() -> UnsafeRawBufferPointer? {
        guard let count = integer(), count <= UInt64(raw.count - offset) else { return nil }
        defer { offset += Int(count) }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + Int(count))])
    }
}
