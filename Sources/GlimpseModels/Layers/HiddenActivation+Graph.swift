import GlimpseRuntime

extension HiddenActivation {
    /// Applies the activation in `graph`; activations no supported architecture uses are an error.
    public func apply(_ x: GraphValue, in graph: GraphBuilder) throws -> GraphValue {
        switch self {
        case .gelu, .geluPython: return graph.gelu(x)
        case .quickGELU: return graph.quickGelu(x)
        case .geluNew, .geluPytorchTanh, .geluAccurate: return graph.geluTanh(x)
        case .relu: return graph.relu(x)
        case .sigmoid: return graph.sigmoid(x)
        case .silu, .swish: return graph.mul(x, graph.sigmoid(x))
        case .tanh: return graph.tanh(x)
        case .linear: return x
        default:
            throw RuntimeError.invalidGraph("the activation '\(rawValue)' is not supported in model graphs yet")
        }
    }
}
