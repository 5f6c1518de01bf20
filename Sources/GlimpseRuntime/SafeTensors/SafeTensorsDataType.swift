/// The element types a SafeTensors header can name (`dtype`), as of safetensors 0.8.
///
/// Raw values are the header spellings. F4 and F6 pack several elements per byte; use `bitWidth`
/// for them (`byteSize` is rounded up and only meaningful for whole-byte types).
public enum SafeTensorsDataType: String, CaseIterable, Sendable, Hashable, Codable {
    case bool = "BOOL"
    case float4E2M1 = "F4"
    case float6E2M3 = "F6_E2M3"
    case float6E3M2 = "F6_E3M2"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case float8E8M0 = "F8_E8M0"
    case float8E4M3FNUZ = "F8_E4M3FNUZ"
    case float8E5M2FNUZ = "F8_E5M2FNUZ"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case complex64 = "C64"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"

    /// Bits per element.
    public var bitWidth: Int {
        switch self {
        case .float4E2M1: 4
        case .float6E2M3, .float6E3M2: 6
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ: 8
        case .int16, .uint16, .float16, .bfloat16: 16
        case .int32, .uint32, .float32: 32
        case .complex64, .float64, .int64, .uint64: 64
        }
    }

    /// Bytes per element (1 for the sub-byte types F4 and F6).
    public var byteSize: Int { (bitWidth + 7) / 8 }

    /// Whether elements are smaller than a byte (F4, F6).
    public var isSubByte: Bool { bitWidth < 8 }

    /// The ONNX `TensorProto.DataType` number for this type, or 0 (`UNDEFINED`) for F6, which ONNX lacks.
    ///
    /// F8_E4M3 is ONNX `FLOAT8E4M3FN` (17), the format PyTorch's `float8_e4m3fn` writes.
    public var onnxElementType: Int32 {
        switch self {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .bool: 9
        case .float16: 10
        case .float64: 11
        case .uint32: 12
        case .uint64: 13
        case .complex64: 14
        case .bfloat16: 16
        case .float8E4M3: 17
        case .float8E4M3FNUZ: 18
        case .float8E5M2: 19
        case .float8E5M2FNUZ: 20
        case .float4E2M1: 23
        case .float8E8M0: 24
        case .float6E2M3, .float6E3M2: 0
        }
    }

    /// Whether the type is a floating-point format (including the 8-, 6- and 4-bit ones).
    public var isFloatingPoint: Bool {
        switch self {
        case .bool, .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .complex64: false
        default: true
        }
    }
}
