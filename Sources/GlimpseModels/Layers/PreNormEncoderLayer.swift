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
}
