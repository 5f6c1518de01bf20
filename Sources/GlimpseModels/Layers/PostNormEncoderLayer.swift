import GlimpseRuntime

/// A post-LayerNorm transformer layer as BERT writes it (`BertLayer`), with optional cross-attention
/// (BLIP's text decoder):
///
///     x = LayerNorm(x + attention(x))                      attention.output.LayerNorm
///     x = LayerNorm(x + crossattention(x, encoder))        crossattention.output.LayerNorm (optional)
///     x = LayerNorm(x + output.dense(act(intermediate.dense(x))))   output.LayerNorm
public struct PostNormEncoderLayer {
    public var hidden: Int
    public var heads: Int
    public var intermediate: Int
    public var activation: HiddenActivation
    public var layerNormEpsilon: Float

    public init(hidden: Int, heads: Int, intermediate: Int, activation: HiddenActivation, layerNormEpsilon: Float) {
        self.hidden = hidden
        self.heads = heads
        self.intermediate = intermediate
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// Cross-attention inputs: the encoder's flat states `[batch·keys, width]`, the layout of their
    /// projections, and an additive mask (or `nil`).
    public struct CrossAttention {
        public var states: GraphValue
        public var width: Int
        public var layout: SequenceLayout
        public var mask: GraphValue?

        public init(states: GraphValue, width: Int, layout: SequenceLayout, mask: GraphValue?) {
            self.states = states
            self.width = width
            self.layout = layout
            self.mask = mask
        }
    }

    /// Applies the layer under `prefix` (for example `encoder.layer.3`) to flat `[batch·tokens, hidden]` activations.
    public func callAsFunction(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, mask: GraphValue?,
        crossAttention: CrossAttention? = nil, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        return try graph.scope(prefix) {
            let attention = try MultiHeadAttention(hidden: hidden, heads: heads)(
                x, layout: layout, mask: mask, names: .bert("\(prefix).attention"), weights: weights)
            var h = try weights.layerNorm(graph.add(x, attention), "\(prefix).attention.output.LayerNorm",
                                          size: hidden, epsilon: layerNormEpsilon)
            if let cross = crossAttention {
                let attended = try MultiHeadAttention(hidden: hidden, heads: heads, keyValueInput: cross.width)(
                    h, layout: layout, keyValue: (cross.states, cross.layout), mask: cross.mask,
                    names: .bert("\(prefix).crossattention"), weights: weights)
                h = try weights.layerNorm(graph.add(h, attended), "\(prefix).crossattention.output.LayerNorm",
                                          size: hidden, epsilon: layerNormEpsilon)
            }
            let up = try weights.linear(h, "\(prefix).intermediate.dense", input: hidden, output: intermediate)
            let down = try weights.linear(try activation.apply(up, in: graph), "\(prefix).output.dense",
                                          input: intermediate, output: hidden)
            return try weights.layerNorm(graph.add(h, down), "\(prefix).output.LayerNorm", size: hidden, epsilon: layerNormEpsilon)
        }
    }
}
