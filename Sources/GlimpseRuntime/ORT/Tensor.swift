/// The element types Glimpse exchanges with ONNX Runtime; raw values are ONNX's `TensorProto.DataType`.
public enum TensorElementType: Int32, Sendable, CustomStringConvertible {
    case float = 1
    case uint8 = 2
    case int8 = 3
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10
    case double = 11
    case bfloat16 = 16

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .float16, .bfloat16: 2
        case .float, .int32: 4
        case .int64, .double: 8
        }
    }

    public var description: String {
        switch self {
        case .float: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "float64"
        case .bfloat16: "bfloat16"
        }
    }
}

/// A dense tensor owned by Swift: a shape and its elements in row-major order.
///
/// Inputs are handed to ONNX Runtime without a copy for the duration of a run; outputs are copied out.
public struct Tensor: Sendable, Equatable {
    /// Element storage, one case per element type Swift computes with.
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case int64([Int64])
        case int32([Int32])
        case uint8([UInt8])
        case bool([Bool])
    }

    /// The dimensions, outermost first, for example `[batch, tokens, hidden]`.
    public let shape: [Int]
    public let storage: Storage

    /// Creates a tensor after checking that the element count matches the shape.
    public init(shape: [Int], storage: Storage) throws {
        let count: Int
        switch storage {
        case .float(let values): count = values.count
        case .int64(let values): count = values.count
        case .int32(let values): count = values.count
        case .uint8(let values): count = values.count
        case .bool(let values): count = values.count
        }
        guard shape.allSatisfy({ $0 >= 0 }), Tensor.elementCount(of: shape) == count else {
            throw RuntimeError.tensorShapeMismatch(shape: shape, elementCount: count)
        }
        self.shape = shape
        self.storage = storage
    }

    /// A float32 tensor.
    public init(shape: [Int], floats: [Float]) throws {
        try self.init(shape: shape, storage: .float(floats))
    }

    /// An int64 tensor (token ids, attention masks, positions).
    public init(shape: [Int], int64s: [Int64]) throws {
        try self.init(shape: shape, storage: .int64(int64s))
    }

    public var elementType: TensorElementType {
        switch storage {
        case .float: .float
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    public var elementCount: Int { Tensor.elementCount(of: shape) }

    /// The elements as float32; throws for other element types.
    public func floats() throws -> [Float] {
        guard case .float(let values) = storage else {
            throw RuntimeError.tensorTypeMismatch(expected: .float, actual: elementType)
        }
        return values
    }

    /// The elements as int64; throws for other element types.
    public func int64s() throws -> [Int64] {
        guard case .int64(let values) = storage else {
            throw RuntimeError.tensorTypeMismatch(expected: .int64, actual: elementType)
        }
        return values
    }

    static func elementCount(of shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Calls `body` with the raw bytes of the elements.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .float(let values): try values.withUnsafeBytes(body)
        case .int64(let values): try values.withUnsafeBytes(body)
        case .int32(let values): try values.withUnsafeBytes(body)
        case .uint8(let values): try values.withUnsafeBytes(body)
        case .bool(let values): try values.withUnsafeBytes(body)
        }
    }
}
