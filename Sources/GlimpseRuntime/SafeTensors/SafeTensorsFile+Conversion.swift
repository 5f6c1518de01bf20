/// Bit-exact conversions of the 16-bit float formats to `Float`, written with integer operations so they
/// work where Swift's `Float16` is unavailable (x86-64 Linux builds without it).
public enum SafeTensorsConversion {
    /// IEEE 754 binary16 → binary32, exact for every input: subnormals are normalised, ±0 and ±∞ kept,
    /// NaN payloads kept (shifted into the high mantissa bits; signalling NaNs are not quietened).
    @inlinable
    public static func float(fromFloat16Bits half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        var mantissa = UInt32(half & 0x03FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        }
        if exponent != 0 {
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
        if mantissa == 0 {
            return Float(bitPattern: sign)
        }
        // Subnormal: mantissa × 2⁻²⁴. Shift the leading 1 into the implicit-bit position (bit 10).
        var biased: UInt32 = 113  // 2⁻¹⁴ with bias 127
        while mantissa & 0x0400 == 0 {
            mantissa <<= 1
            biased -= 1
        }
        return Float(bitPattern: sign | biased << 23 | (mantissa & 0x03FF) << 13)
    }

    /// bfloat16 → binary32: the bfloat16 bits are the high half of the binary32 bits (exact, NaNs kept).
    @inlinable
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}

extension SafeTensorsFile {
    /// The elements of tensor `name` as `Float`, copied: F32 as stored (any alignment), F16 and BF16
    /// converted exactly, F64 rounded to nearest.
    /// - Throws: `.missingTensor`, or `.dataTypeMismatch` for other types.
    public func floats(_ name: String) throws -> [Float] {
        let info = try info(name)
        let raw = rawBytes(of: info)
        let count = info.elementCount
        switch info.dtype {
        case .float32:
            return Self.convert(raw, count: count, as: UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case .float16:
            return Self.convert(raw, count: count, as: UInt16.self) {
                SafeTensorsConversion.float(fromFloat16Bits: UInt16(littleEndian: $0))
            }
        case .bfloat16:
            return Self.convert(raw, count: count, as: UInt16.self) {
                SafeTensorsConversion.float(fromBFloat16Bits: UInt16(littleEndian: $0))
            }
        case .float64:
            return Self.convert(raw, count: count, as: UInt64.self) {
                Float(Double(bitPattern: UInt64(littleEndian: $0)))
            }
        default:
            throw SafeTensorsError.dataTypeMismatch(
                tensor: name, actual: info.dtype, supported: [.float32, .float16, .bfloat16, .float64])
        }
    }

    /// The elements of integer tensor `name` as `Int64`, copied (I64, I32, I16, I8, U32, U16, U8).
    /// - Throws: `.missingTensor`, or `.dataTypeMismatch` for other types (U64 may not fit).
    public func int64s(_ name: String) throws -> [Int64] {
        let info = try info(name)
        let raw = rawBytes(of: info)
        let count = info.elementCount
        switch info.dtype {
        case .int64: return Self.convert(raw, count: count, as: Int64.self) { Int64(littleEndian: $0) }
        case .int32: return Self.convert(raw, count: count, as: Int32.self) { Int64(Int32(littleEndian: $0)) }
        case .int16: return Self.convert(raw, count: count, as: Int16.self) { Int64(Int16(littleEndian: $0)) }
        case .int8: return Self.convert(raw, count: count, as: Int8.self) { Int64($0) }
        case .uint32: return Self.convert(raw, count: count, as: UInt32.self) { Int64(UInt32(littleEndian: $0)) }
        case .uint16: return Self.convert(raw, count: count, as: UInt16.self) { Int64(UInt16(littleEndian: $0)) }
        case .uint8: return Self.convert(raw, count: count, as: UInt8.self) { Int64($0) }
        default:
            throw SafeTensorsError.dataTypeMismatch(
                tensor: name, actual: info.dtype,
                supported: [.int64, .int32, .int16, .int8, .uint32, .uint16, .uint8])
        }
    }

    /// The elements of BOOL tensor `name` (any non-zero byte is `true`).
    public func bools(_ name: String) throws -> [Bool] {
        let info = try info(name)
        guard info.dtype == .bool else {
            throw SafeTensorsError.dataTypeMismatch(tensor: name, actual: info.dtype, supported: [.bool])
        }
        return rawBytes(of: info).map { $0 != 0 }
    }

    /// Reads `count` elements of type `Stored` from possibly unaligned bytes and maps each one.
    @inline(__always)
    static func convert<Stored: FixedWidthInteger, Element>(
        _ raw: UnsafeRawBufferPointer, count: Int, as stored: Stored.Type, _ transform: (Stored) -> Element
    ) -> [Element] {
        let stride = MemoryLayout<Stored>.size
        precondition(raw.count == count * stride, "byte count validated at open")
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let value = raw.loadUnaligned(fromByteOffset: index * stride, as: Stored.self)
                (buffer.baseAddress! + index).initialize(to: transform(value))
            }
            initialized = count
        }
    }
}
