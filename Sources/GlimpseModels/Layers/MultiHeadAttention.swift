import GlimpseRuntime

/// The checkpoint names of an attention block's four projections (each a `Linear` with bias).
public struct AttentionProjectionNames: Sendable {
    public var query: String
    public var key: String
    public var value: String
    public var output: String

    /// CLIP's `self_attn.{q,k,v,out}_proj`.
    public static func clip(_ prefix: String) -> AttentionProjectionNames {
        AttentionProjectionNames(query: "\(prefix).q_proj", key: "\(prefix).k_proj",
                                 value: "\(prefix).v_proj", output: "\(prefix).out_proj")
    }

    /// BERT's `attention.self.{query,key,value}` and `attention.output.dense` (`prefix` is `….attention`).
    public static func bert(_ prefix: String) -> AttentionProjectionNames {
        AttentionProjectionNames(query: "\(prefix).self.query", key: "\(prefix).self.key",
                                 value: "\(prefix).self.value", output: "\(prefix).output.dense")
    }
}

/// Which keys each query may attend to.
public enum AttentionMask {
    /// Every key.
    case none
    /// Keys at or before the query's position (a decoder's triangle).
    case causal
    /// Keys whose entry is 1 in this int32 `[batch, tokens]` mask; padding is 0.
    case keyPadding(GraphValue)
}

/// How an attention block's query, key and value projections are written into the graph.
public enum AttentionProjections: Sendable {
    /// One `com.microsoft.Attention` node: a single matrix product against the packed `[hidden, 3·hidden]`
    /// weight, which ONNX Runtime folds from the stored matrices when the session is created. The
    /// fastest runs (CLIP's vision tower at batch 1: about 5 % faster than `separate`), at the cost of a
    /// slower start and a folded copy of the three matrices (see BENCHMARKS.md).
    case packed
    /// Three `Gemm`s over the stored matrices and a `com.microsoft.MultiHeadAttention` node: nothing is
    /// folded, so the session is created about a third faster and holds no copy. For encoders whose
    /// start matters more than a few per cent of their runs (the query encoders of a search).
    case separate
}

/// Multi-head scaled dot-product self-attention with its input and output projections.
///
/// The attention itself is one ONNX Runtime contrib node: per head, without the transposes and additive
/// masks of the plain ONNX form (a few per cent faster for CLIP and MiniLM; see BENCHMARKS.md).
/// ``AttentionProjections`` says how the query, key and value projections are laid out. Activations are
/// flat (`[batch·tokens, hidden]`); ``SequenceLayout`` gives the node the `[batch, tokens, hidden]` view
/// it needs.
public struct MultiHeadAttention {
    public var hidden: Int
    public var heads: Int
    public var projections: AttentionProjections

    public init(hidden: Int, heads: Int, projections: AttentionProjections = .packed) {
        self.hidden = hidden
        self.heads = heads
        self.projections = projections
    }

    /// - Parameters:
    ///   - x: `[batch·tokens, hidden]` in `layout`.
    /// - Returns: `[batch·tokens, hidden]`.
    public func callAsFunction(
        _ x: GraphValue, layout: SequenceLayout, mask: AttentionMask = .none,
        names: AttentionProjectionNames, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        var attributes: [String: ONNXAttribute.Value] = ["num_heads": .int(heads)]
        var keyPadding: GraphValue?
        switch mask {
        case .none: break
        case .causal: attributes["unidirectional"] = .int(1)
        case .keyPadding(let mask): keyPadding = mask
        }
        let context: GraphValue
        switch projections {
        case .packed:
            let (weight, bias) = try packedProjection(names, weights: weights)
            context = graph.op("Attention", layout.unflatten(x, in: graph), weight, bias, keyPadding,
                               attributes: attributes, domain: "com.microsoft")
        case .separate:
            func project(_ name: String) throws -> GraphValue {
                layout.unflatten(try weights.linear(x, name, input: hidden, output: hidden), in: graph)
            }
            // Inputs: query, key, value, bias (none: the Gemms add it), key padding mask.
            context = graph.op("MultiHeadAttention", try project(names.query), try project(names.key), try project(names.value),
                               nil, keyPadding, attributes: attributes, domain: "com.microsoft")
        }
        return try weights.linear(layout.flatten(context, in: graph), names.output, input: hidden, output: hidden)
    }

    /// The query, key and value projections as the node takes them: weight `[hidden, 3·hidden]` (the
    /// stored `[out, in]` matrices stacked and transposed; ONNX Runtime folds this once when the session
    /// is created) and bias `[3·hidden]`.
    private func packedProjection(_ names: AttentionProjectionNames, weights: CheckpointWeights) throws -> (GraphValue, GraphValue) {
        let graph = weights.graph
        let projections = [names.query, names.key, names.value]
        let matrices = try projections.map { try weights.float("\($0).weight", shape: [hidden, hidden]) }
        let biases = try projections.map { try weights.float("\($0).bias", shape: [hidden]) }
        return (graph.transpose(graph.concat(matrices, axis: 0), permutation: [1, 0]), graph.concat(biases, axis: 0))
    }
}
