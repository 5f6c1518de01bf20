import GlimpseRuntime

/// A pre-LayerNorm transformer encoder layer, as CLIP writes it (`CLIPEncoderLayer`):
///
///     x = x + out_proj(attention(layer_norm1(x)))
///     x = x + fc2(act(fc1(layer_norm2(x))))
///
/// Weight names follow transformers: `self_attn.{q,k,v,out}_proj`, `layer_norm1`, `mlp.fc1`, `mlp.fc2`, `layer_norm2`.
public struct PreNormEncoderLayer {
    public var hidden: Int
    public var heads: Int
    public var intermediate: Int
    public var activation: HiddenActivation
    public var layerNormEpsilon: Float
    public var projections: AttentionProjections

    public init(hidden: Int, heads: Int, intermediate: Int, activation: HiddenActivation, layerNormEpsilon: Float,
                projections: AttentionProjections = .packed) {
        self.hidden = hidden
        self.heads = heads
        self.intermediate = intermediate
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.projections = projections
    }

    /// Applies the layer whose weights are under `prefix` (for example `vision_model.encoder.layers.3`).
    ///
    /// - Parameters:
    ///   - x: flat activations `[batch·tokens, hidden]`.
    ///   - mask: the keys each token attends to (CLIP's text tower is causal).
    /// - Returns: `[batch·tokens, hidden]`.
    public func callAsFunction(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, mask: AttentionMask = .none, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        let name = { (part: String) in prefix.isEmpty ? part : "\(prefix).\(part)" }
        return try graph.scope(prefix) {
            let normed = try weights.layerNorm(x, name("layer_norm1"), size: hidden, epsilon: layerNormEpsilon)
            let attention = try MultiHeadAttention(hidden: hidden, heads: heads, projections: projections)(
                normed, layout: layout, mask: mask, names: .clip(name("self_attn")), weights: weights)
            let afterAttention = graph.add(x, attention)
            let normed2 = try weights.layerNorm(afterAttention, name("layer_norm2"), size: hidden, epsilon: layerNormEpsilon)
            let up = try weights.linear(normed2, name("mlp.fc1"), input: hidden, output: intermediate)
            let down = try weights.linear(try activation.apply(up, in: graph), name("mlp.fc2"), input: intermediate, output: hidden)
            return graph.add(afterAttention, down)
        }
    }

    /// The token a tower pools after its last layer, and the keys that token attends to.
    public enum PooledToken {
        /// The first token of every sequence, attending to every token (CLIP's vision tower and its class token).
        case first
        /// The token at `position` of each sequence, int64 `[batch, 1]`, attending to the keys up to its own
        /// position as the causal layer would (CLIP's text tower and its end-of-text token).
        case causal(at: GraphValue)
    }

    /// The layer's output at one token per sequence only, for a tower that pools that token after its last
    /// layer: the keys and values come from every token, the query, the output projection and the MLP run
    /// on one row per sequence.
    ///
    /// - Parameters:
    ///   - x: flat activations `[batch·tokens, hidden]`.
    ///   - token: the pooled token and the keys it sees.
    /// - Returns: `[batch, hidden]`, equal to the pooled rows of `callAsFunction(x)` (with `mask: .causal`
    ///   for a causal token).
    public func pooled(
        _ x: GraphValue, token: PooledToken, prefix: String, layout: SequenceLayout, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        let name = { (part: String) in prefix.isEmpty ? part : "\(prefix).\(part)" }
        let names = AttentionProjectionNames.clip(name("self_attn"))
        return try graph.scope(prefix + ".pooled") {
            let normed = try weights.layerNorm(x, name("layer_norm1"), size: hidden, epsilon: layerNormEpsilon)
            let key = layout.unflatten(try weights.linear(normed, names.key, input: hidden, output: hidden), in: graph)
            let value = layout.unflatten(try weights.linear(normed, names.value, input: hidden, output: hidden), in: graph)
            let width = Int64(hidden)
            let row: (GraphValue) -> GraphValue, visible: GraphValue?
            switch token {
            case .first:
                row = { graph.reshape(graph.slice(layout.unflatten($0, in: graph), starts: [0], ends: [1], axes: [1]), [-1, width]) }
                visible = nil
            case .causal(let position):
                row = { graph.op("GatherND", layout.unflatten($0, in: graph), position, attributes: ["batch_dims": 1]) }
                // Keys at or before the pooled token: 1, the rest 0 (`[batch, tokens]`, int32).
                let count = graph.op("Squeeze", graph.shape(key, start: 1, end: 2), graph.constant([0]))
                let indices = graph.op("Range", graph.constant([0], shape: []), count, graph.constant([1], shape: []))
                visible = graph.cast(graph.op("LessOrEqual", graph.unsqueeze(indices, axes: [0]), position), to: .int32)
            }
            let query = try weights.linear(row(normed), names.query, input: hidden, output: hidden)
            let context = graph.op("MultiHeadAttention", graph.unsqueeze(query, axes: [1]), key, value, nil, visible,
                                   attributes: ["num_heads": .int(heads)], domain: "com.microsoft")
            let attention = try weights.linear(graph.reshape(context, [-1, width]), names.output, input: hidden, output: hidden)
            let afterAttention = graph.add(row(x), attention)
            let normed2 = try weights.layerNorm(afterAttention, name("layer_norm2"), size: hidden, epsilon: layerNormEpsilon)
            let up = try weights.linear(normed2, name("mlp.fc1"), input: hidden, output: intermediate)
            let down = try weights.linear(try activation.apply(up, in: graph), name("mlp.fc2"), input: intermediate, output: hidden)
            return graph.add(afterAttention, down)
        }
    }
}
