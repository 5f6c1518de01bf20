import GlimpseRuntime

/// A post-LayerNorm transformer encoder layer as BERT writes it (`BertLayer`):
///
///     x = LayerNorm(x + attention(x))                      attention.output.LayerNorm
///     x = LayerNorm(x + output.dense(act(intermediate.dense(x))))   output.LayerNorm
///
/// BLIP's text decoder adds cross-attention and a key/value cache to the same layer (`BLIPDecoderLayer`).
public struct PostNormEncoderLayer {
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

    /// Applies the layer under `prefix` (for example `encoder.layer.3`) to flat `[batch·tokens, hidden]` activations.
    public func callAsFunction(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, mask: AttentionMask, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        return try graph.scope(prefix) {
            let attention = try MultiHeadAttention(hidden: hidden, heads: heads, projections: projections)(
                x, layout: layout, mask: mask, names: .bert("\(prefix).attention"), weights: weights)
            let h = try weights.layerNorm(graph.add(x, attention), "\(prefix).attention.output.LayerNorm",
                                          size: hidden, epsilon: layerNormEpsilon)
            let up = try weights.linear(h, "\(prefix).intermediate.dense", input: hidden, output: intermediate)
            let down = try weights.linear(try activation.apply(up, in: graph), "\(prefix).output.dense",
                                          input: intermediate, output: hidden)
            return try weights.layerNorm(graph.add(h, down), "\(prefix).output.LayerNorm", size: hidden, epsilon: layerNormEpsilon)
        }
    }
}
