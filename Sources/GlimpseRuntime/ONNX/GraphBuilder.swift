/// A tensor flowing through a graph under construction, known by its name.
public struct GraphValue: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

/// Writes an ONNX graph in Swift, one operator at a time, in the order a forward pass reads.
///
/// ```swift
/// let graph = GraphBuilder(name: "mlp")
/// let x = graph.input("x", .float, ["batch", 4])
/// let y = graph.gemm(x, weight, bias, transB: true)
/// graph.output(graph.relu(y), name: "y")
/// let model = graph.model()
/// ```
/// Node outputs get unique names; ``scope(_:_:)`` prefixes names so a built graph reads like the model.
public final class GraphBuilder {
    public private(set) var graph: ONNXGraph
    private var usedNames: Set<String> = []
    private var counter = 0
    private var scopes: [String] = []
    private var constants: [String: GraphValue] = [:]
    private var declaredInitializers: [String: Int] = [:]

    public init(name: String) {
        graph = ONNXGraph(name: name)
    }

    /// Declares a graph input.
    public func input(_ name: String, _ elementType: TensorElementType, _ shape: [TensorDimension]) -> GraphValue {
        usedNames.insert(name)
        graph.inputs.append(ValueInfo(name: name, elementType: elementType, shape: shape))
        return GraphValue(name)
    }

    /// Declares `value` a graph output called `name` (an Identity node renames it until ``model(operatorSets:)``
    /// gives the name to the node that computes it).
    public func output(_ value: GraphValue, name: String? = nil, _ elementType: TensorElementType = .float, _ shape: [TensorDimension]? = nil) {
        var result = value
        if let name, name != value.name {
            usedNames.insert(name)
            graph.nodes.append(ONNXNode(opType: "Identity", name: uniqueName("output_\(name)"), inputs: [value.name], outputs: [name]))
            result = GraphValue(name)
        }
        graph.outputs.append(ValueInfo(name: result.name, elementType: elementType, shape: shape))
    }

    /// Declares a constant tensor; declaring the same name again returns the first declaration.
    @discardableResult
    public func initializer(_ declaration: TensorDeclaration) -> GraphValue {
        if declaredInitializers[declaration.name] == nil {
            declaredInitializers[declaration.name] = graph.initializers.count
            usedNames.insert(declaration.name)
            graph.initializers.append(declaration)
        }
        return GraphValue(declaration.name)
    }

    /// An int64 constant (shapes, axes, indices), shared by every use of the same values.
    public func constant(_ values: [Int64], shape: [Int]? = nil) -> GraphValue {
        let dims = shape ?? [values.count]
        let key = "i64:\(dims):\(values)"
        if let existing = constants[key] { return existing }
        let value = initializer(TensorDeclaration(name: uniqueName("const_i64", scoped: false), shape: dims, int64s: values))
        constants[key] = value
        return value
    }

    /// A float32 constant, shared by every use of the same values.
    public func constant(floats values: [Float], shape: [Int]? = nil) -> GraphValue {
        let dims = shape ?? [values.count]
        let key = "f32:\(dims):\(values.map(\.bitPattern))"
        if let existing = constants[key] { return existing }
        let value = initializer(TensorDeclaration(name: uniqueName("const_f32", scoped: false), shape: dims, floats: values))
        constants[key] = value
        return value
    }

    /// A float32 scalar constant.
    public func scalar(_ value: Float) -> GraphValue { constant(floats: [value], shape: []) }

    /// Appends an operator and returns its outputs. A `nil` input is an omitted optional input.
    @discardableResult
    public func node(
        _ opType: String, _ inputs: [GraphValue?], attributes: [String: ONNXAttribute.Value] = [:],
        domain: String = "", outputs outputCount: Int = 1
    ) -> [GraphValue] {
        let name = uniqueName(opType)
        let outputs = (0..<outputCount).map { index in
            GraphValue(outputCount == 1 ? name : uniqueName("\(name)_\(index)", scoped: false))
        }
        outputs.forEach { usedNames.insert($0.name) }
        graph.nodes.append(ONNXNode(
            opType: opType, domain: domain, name: name,
            inputs: inputs.map { $0?.name ?? "" }, outputs: outputs.map(\.name),
            attributes: attributes.sorted { $0.key < $1.key }.map { ONNXAttribute($0.key, $0.value) }))
        return outputs
    }

    /// Appends a single-output operator.
    public func op(_ opType: String, _ inputs: GraphValue?..., attributes: [String: ONNXAttribute.Value] = [:], domain: String = "") -> GraphValue {
        node(opType, inputs, attributes: attributes, domain: domain)[0]
    }

    /// Runs `body` with `name` prefixed to the names of the nodes it creates ("encoder.layers.0/MatMul").
    public func scope<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
        scopes.append(name)
        defer { scopes.removeLast() }
        return try body()
    }

    /// The finished model, its outputs named where they are computed (no copies for the renames
    /// ``output(_:name:_:_:)`` made).
    public func model(operatorSets: [ONNXModel.OperatorSet] = [.standard, .microsoft]) -> ONNXModel {
        ONNXModel(graph: graph.namingOutputsAtTheirSource(), operatorSets: operatorSets)
    }

    private func uniqueName(_ base: String, scoped: Bool = true) -> String {
        let prefix = scoped && !scopes.isEmpty ? scopes.joined(separator: "/") + "/" : ""
        var candidate = prefix + base
        while usedNames.contains(candidate) {
            counter += 1
            candidate = "\(prefix)\(base)_\(counter)"
        }
        usedNames.insert(candidate)
        return candidate
    }
}
