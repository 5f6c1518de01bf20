import GlimpseRuntime

extension HiddenActivation {
    /// Applies the activation in `graph`; activations no supported architecture uses are an error.
    ///
    /// GELU and `quick_gelu` are ONNX Runtime's fused kernels (`com.microsoft.Gelu`, the exact erf form,
    /// and `com.microsoft.QuickGelu`): one pass over the activations instead of four or five element-wise
    /// nodes, which ONNX Runtime's optimiser does not fuse in the form the graphs would write them.
    public func apply(_ x: GraphValue, in graph: GraphBuilder) throws -> GraphValue {
        switch self {
        case .gelu, .geluPython: return graph.op("Gelu", x, domain: "com.microsoft")
        case .quickGELU: return graph.op("QuickGelu", x, attributes: ["alpha": .float(1.702)], domain: "com.microsoft")
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
