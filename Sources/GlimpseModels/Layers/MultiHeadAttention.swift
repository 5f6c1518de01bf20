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

    /// BERT's `attention.self.{query,key,value}` and `attention.output.dense`
    /// (`prefix` is `….attention` or `….crossattention`).
    public static func bert(_ prefix: String) -> AttentionProjectionNames {
        AttentionProjectionNames(query: "\(prefix).self.query", key: "\(prefix).self.key",
                                 value: "\(prefix).self.value", output: "\(prefix).output.dense")
    }
}

/// Multi-head scaled dot-product attention with query, key, value and output projections.
///
/// Activations are flat (`[batch·tokens, hidden]`); ``SequenceLayout`` splits them into heads.
/// For cross-attention the keys and values come from another sequence, possibly of another width.
public struct MultiHeadAttention {
    public var hidden: Int
    public var heads: Int
    /// Width of the sequence keys and values are computed from (`hidden` for self-attention).
    public var keyValueInput: Int

    public init(hidden: Int, heads: Int, keyValueInput: Int? = nil) {
        self.hidden = hidden
        self.heads = heads
        self.keyValueInput = keyValueInput ?? hidden
    }

    /// - Parameters:
    ///   - x: queries' source, `[batch·queries, hidden]`.
    ///   - layout: the layout of `x`.
    ///   - keyValue: keys' and values' source `[batch·keys, keyValueInput]` with its layout; `nil` for self-attention.
    ///   - mask: additive, broadcastable to `[batch, heads, queries, keys]`.
    /// - Returns: `[batch·queries, hidden]`.
    public func callAsFunction(
        _ x: GraphValue, layout: SequenceLayout, keyValue: (GraphValue, SequenceLayout)? = nil,
        mask: GraphValue?, names: AttentionProjectionNames, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        let (source, sourceLayout) = keyValue ?? (x, layout)
        let scale = Float(1 / Double(hidden / heads).squareRoot())
        let query = graph.mul(try weights.linear(x, names.query, input: hidden, output: hidden), graph.scalar(scale))
        let key = try weights.linear(source, names.key, input: keyValueInput, output: hidden)
        let value = try weights.linear(source, names.value, input: keyValueInput, output: hidden)
        var scores = graph.matMul(layout.splitHeads(query, in: graph),
                                  sourceLayout.splitHeads(key, transposed: true, in: graph))
        if let mask { scores = graph.add(scores, mask) }
        let context = graph.matMul(graph.softmax(scores, axis: -1), sourceLayout.splitHeads(value, in: graph))
        return try weights.linear(layout.mergeHeads(context, in: graph), names.output, input: hidden, output: hidden)
    }
}
