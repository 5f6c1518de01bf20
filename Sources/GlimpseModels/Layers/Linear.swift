import GlimpseRuntime

extension CheckpointWeights {
    /// A Hugging Face `nn.Linear` named `prefix` applied to flat activations: `[rows, input]` → `[rows, output]`.
    ///
    /// The stored weight is `[output, input]`; `Gemm` with `transB = 1` uses it as it is.
    public func linear(_ x: GraphValue, _ prefix: String, input: Int, output: Int, bias: Bool = true) throws -> GraphValue {
        let weight = try float("\(prefix).weight", shape: [output, input])
        let biasValue = bias ? try float("\(prefix).bias", shape: [output]) : nil
        return graph.gemm(x, weight, biasValue, transB: true)
    }

    /// A Hugging Face `nn.LayerNorm` named `prefix` over the last axis.
    public func layerNorm(_ x: GraphValue, _ prefix: String, size: Int, epsilon: Float) throws -> GraphValue {
        graph.layerNorm(x, scale: try float("\(prefix).weight", shape: [size]),
                        bias: try float("\(prefix).bias", shape: [size]), epsilon: epsilon)
    }
}

