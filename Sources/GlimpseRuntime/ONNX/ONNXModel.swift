import Foundation

/// An ONNX model held in memory: the values Glimpse writes, serialised by ``serializedBytes()``.
public struct ONNXModel: Sendable {
    /// An operator set the model uses, for example the default domain at version 17.
    public struct OperatorSet: Sendable, Hashable {
        public var domain: String
        public var version: Int

        public init(domain: String, version: Int) {
            self.domain = domain
            self.version = version
        }

        /// The standard ONNX operators (domain "").
        public static let standard = OperatorSet(domain: "", version: 17)
        /// ONNX Runtime's contributed operators (fused attention, layer norms, GELU).
        public static let microsoft = OperatorSet(domain: "com.microsoft", version: 1)
    }

    public var graph: ONNXGraph
    public var operatorSets: [OperatorSet]
    /// ONNX IR version 8 goes with opset 17.
    public var irVersion: Int = 8
    public var producerName = "glimpse"
    public var producerVersion = GlimpseVersion.current

    public init(graph: ONNXGraph, operatorSets: [OperatorSet] = [.standard, .microsoft]) {
        self.graph = graph
        self.operatorSets = operatorSets
    }

    /// Writes the serialised model to a `.onnx` file, for inspection with tools such as Netron.
    ///
    /// External-data initializers name their file relative to the model's folder: save the model
    /// next to the checkpoint for other tools to resolve them.
    public func write(to url: URL) throws {
        try Data(serializedBytes()).write(to: url, options: .atomic)
    }
}

/// A graph: nodes in topological order, its inputs and outputs, and its initializers.
public struct ONNXGraph: Sendable {
    public var name: String
    public var nodes: [ONNXNode] = []
    public var inputs: [ValueInfo] = []
    public var outputs: [ValueInfo] = []
    public var initializers: [TensorDeclaration] = []

    public init(name: String) {
        self.name = name
    }
}

/// A typed graph input or output.
public struct ValueInfo: Sendable, Hashable {
    public var name: String
    public var elementType: TensorElementType
    /// The shape, or `nil` when it is left for ONNX Runtime to infer.
    public var shape: [TensorDimension]?

    public init(name: String, elementType: TensorElementType, shape: [TensorDimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

/// One operator application.
public struct ONNXNode: Sendable {
    public var opType: String
    public var domain: String
    public var name: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [ONNXAttribute]

    public init(opType: String, domain: String = "", name: String, inputs: [String], outputs: [String], attributes: [ONNXAttribute] = []) {
        self.opType = opType
        self.domain = domain
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}

/// A named node attribute.
public struct ONNXAttribute: Sendable {
    public enum Value: Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
        case int(Int)
        case float(Float)
        case string(String)
        case ints([Int])
        case floats([Float])
        case tensor(TensorDeclaration)

        public init(integerLiteral value: Int) { self = .int(value) }
        public init(floatLiteral value: Float) { self = .float(value) }
        public init(stringLiteral value: String) { self = .string(value) }
    }

    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}

/// A constant tensor: its bytes inline, or a byte range of a file beside the model.
public struct TensorDeclaration: Sendable {
    public enum Contents: Sendable {
        /// Little-endian element bytes stored in the model.
        case raw([UInt8])
        /// Bytes at `offset..<offset+length` of `location`, a file name relative to the model's folder.
        case external(location: String, offset: Int, length: Int)
    }

    public var name: String
    public var elementType: TensorElementType
    public var shape: [Int]
    public var contents: Contents

    public init(name: String, elementType: TensorElementType, shape: [Int], contents: Contents) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
        self.contents = contents
    }

    /// A float32 tensor stored inline.
    public init(name: String, shape: [Int], floats: [Float]) {
        self.init(name: name, elementType: .float, shape: shape,
                  contents: .raw(floats.withUnsafeBytes { Array($0) }))
    }

    /// An int64 tensor stored inline (shapes, axes, indices).
    public init(name: String, shape: [Int], int64s: [Int64]) {
        self.init(name: name, elementType: .int64, shape: shape,
                  contents: .raw(int64s.withUnsafeBytes { Array($0) }))
    }
}
