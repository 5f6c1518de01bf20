import GlimpseRuntime

/// One layer of BLIP's text decoder (`BlipTextLayer` with `is_decoder`), with a key/value cache:
///
///     x = LayerNorm(x + attention(x, past))                 attention.output.LayerNorm
///     x = LayerNorm(x + crossattention(x, image))           crossattention.output.LayerNorm
///     x = LayerNorm(x + output.dense(act(intermediate.dense(x))))   output.LayerNorm
///
/// The same computation as ``PostNormEncoderLayer`` with cross-attention, except that the self-attention
/// keys and values are appended to cached ones and returned, and the image keys/values arrive
/// precomputed (see ``BLIPTextDecoderGraph``).
struct BLIPDecoderLayer {
    let configuration: BLIPTextConfiguration

    init(configuration: BLIPTextConfiguration) {
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - x: flat activations `[rows·tokens, hidden]` with their `layout`.
    ///   - mask: additive self-attention mask `[rows, 1, tokens, past + tokens]`.
    ///   - past: cached keys and values `[rows, heads, past, headSize]`, or `nil` when there are none.
    ///   - cross: the image's keys `[images, heads, headSize, positions]` and values `[images, heads, positions, headSize]`.
    /// - Returns: `[rows·tokens, hidden]` and the keys and values `[rows, heads, past + tokens, headSize]`.
    func callAsFunction(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, mask: GraphValue,
        past: (GraphValue, GraphValue)?, cross: (GraphValue, GraphValue), weights: CheckpointWeights
    ) throws -> (GraphValue, GraphValue, GraphValue) {
        let c = configuration
        let graph = weights.graph
        let epsilon = Float(c.layerNormEps)
        return try graph.scope(prefix) {
            let (attended, key, value) = try selfAttention(x, prefix: "\(prefix).attention", layout: layout,
                                                           mask: mask, past: past, weights: weights)
            var h = try weights.layerNorm(graph.add(x, attended), "\(prefix).attention.output.LayerNorm",
                                          size: c.hiddenSize, epsilon: epsilon)
            let image = try crossAttention(h, prefix: "\(prefix).crossattention", cross: cross, weights: weights)
            h = try weights.layerNorm(graph.add(h, image), "\(prefix).crossattention.output.LayerNorm",
                                      size: c.hiddenSize, epsilon: epsilon)
            let up = try weights.linear(h, "\(prefix).intermediate.dense", input: c.hiddenSize, output: c.intermediateSize)
            let down = try weights.linear(try c.hiddenAct.apply(up, in: graph), "\(prefix).output.dense",
                                          input: c.intermediateSize, output: c.hiddenSize)
            let output = try weights.layerNorm(graph.add(h, down), "\(prefix).output.LayerNorm",
                                               size: c.hiddenSize, epsilon: epsilon)
            return (output, key, value)
        }
    }

    private var scale: Float { Float(1 / Double(configuration.headDim).squareRoot()) }

    /// Causal self-attention over the cached and the new tokens; returns the output `[rows·tokens, hidden]`
    /// and the keys and values of all tokens `[rows, heads, past + tokens, headSize]`.
    private func selfAttention(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, mask: GraphValue,
        past: (GraphValue, GraphValue)?, weights: CheckpointWeights
    ) throws -> (GraphValue, GraphValue, GraphValue) {
        let c = configuration
        let graph = weights.graph
        let query = graph.mul(try weights.linear(x, "\(prefix).self.query", input: c.hiddenSize, output: c.hiddenSize),
                              graph.scalar(scale))
        var key = layout.splitHeads(try weights.linear(x, "\(prefix).self.key", input: c.hiddenSize, output: c.hiddenSize), in: graph)
        var value = layout.splitHeads(try weights.linear(x, "\(prefix).self.value", input: c.hiddenSize, output: c.hiddenSize), in: graph)
        if let (pastKey, pastValue) = past {
            key = graph.concat([pastKey, key], axis: 2)
            value = graph.concat([pastValue, value], axis: 2)
        }
        let scores = graph.add(graph.matMul(layout.splitHeads(query, in: graph), graph.transpose(key, permutation: [0, 1, 3, 2])), mask)
        let context = layout.mergeHeads(graph.matMul(graph.softmax(scores, axis: -1), value), in: graph)
        let output = try weights.linear(context, "\(prefix).output.dense", input: c.hiddenSize, output: c.hiddenSize)
        return (output, key, value)
    }

    /// Attention from every row's tokens to its image: the queries of the `rows / images` rows of one
    /// image are stacked, `[images, heads, (rows / images)·tokens, headSize]`, so the image keys are shared.
    private func crossAttention(
        _ x: GraphValue, prefix: String, cross: (GraphValue, GraphValue), weights: CheckpointWeights
    ) throws -> GraphValue {
        let c = configuration
        let graph = weights.graph
        let (key, value) = cross
        let query = graph.mul(try weights.linear(x, "\(prefix).self.query", input: c.hiddenSize, output: c.hiddenSize),
                              graph.scalar(scale))
        let grouped = graph.concat([graph.shape(key, start: 0, end: 1),
                                    graph.constant([-1, Int64(c.numAttentionHeads), Int64(c.headDim)])], axis: 0)
        let queries = graph.transpose(graph.reshape(query, shape: grouped), permutation: [0, 2, 1, 3])
        let probabilities = graph.softmax(graph.matMul(queries, key), axis: -1)
        let context = graph.transpose(graph.matMul(probabilities, value), permutation: [0, 2, 1, 3])
        let merged = graph.reshape(context, [-1, Int64(c.hiddenSize)])
        return try weights.linear(merged, "\(prefix).output.dense", input: c.hiddenSize, output: c.hiddenSize)
    }
}
