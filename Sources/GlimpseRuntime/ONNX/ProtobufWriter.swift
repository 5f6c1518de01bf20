/// A minimal protocol-buffers encoder: just the wire types ONNX's messages use.
///
/// Fields are written in the order they are appended; callers append in field-number order,
/// as protobuf's own serialisers do, so equal messages give equal bytes.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func tag(_ field: Int, _ wire: WireType) {
        varint(UInt64(field) << 3 | wire.rawValue)
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// An `int64` or `int32` field (negative values take ten bytes, as protobuf specifies).
    mutating func int(_ field: Int, _ value: Int) {
        tag(field, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    mutating func float(_ field: Int, _ value: Float) {
        tag(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// An embedded message.
    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(field, nested.bytes)
    }

    /// A `repeated int64` field, one tag per value (proto2's unpacked encoding, which onnx.proto uses).
    mutating func repeatedInts(_ field: Int, _ values: [Int]) {
        for value in values { int(field, value) }
    }

    /// A `repeated float` field, one tag per value.
    mutating func repeatedFloats(_ field: Int, _ values: [Float]) {
        for value in values { float(field, value) }
    }
}
