import GlimpseRuntime

/// BLIP's captioning text decoder (`BlipTextLMHeadModel`: a BERT decoder with causal self-attention,
/// cross-attention to the image in every layer and a language-model head) as ONNX graphs with a
/// key/value cache.
///
/// Two graphs share the checkpoint:
/// - **cross keys/values** (``buildCrossAttentionCache(checkpoint:)``): `image_embeds`
///   `[images, positions, encoderHidden]` → for every layer `cross_key_<l>` `[images, heads, headSize,
///   positions]` (already transposed for the score product) and `cross_value_<l>` `[images, heads,
///   positions, headSize]`. Run once per image; every decoding step reuses them.
/// - **decoder** (``buildDecoder(checkpoint:)``): `input_ids` `[rows, tokens]` (int64) after `past` cached
///   tokens, `attention_mask` `[rows, past + tokens]` (int64, 1 = attend), `past_key_<l>` /
///   `past_value_<l>` `[rows, heads, past, headSize]` (`past` may be 0: the prompt pass) and the cross
///   keys/values → `logits` `[rows, tokens, vocab]` and `present_key_<l>` / `present_value_<l>`
///   `[rows, heads, past + tokens, headSize]` (the next step's past).
///
/// Rows are grouped by image: with `images` images in the cross keys/values, `rows` must be a multiple of
/// `images` and rows `i·k ..< (i+1)·k` attend to image `i` (`k` beams per image). The image keys are
/// therefore never copied per beam.
public struct BLIPTextDecoderGraph {
    public let text: BLIPTextConfiguration
    /// Checkpoint prefix of the decoder's weights.
    public let prefix = "text_decoder"

    public init(configuration: BLIPConfiguration) {
        text = configuration.textConfig
    }

    public static func crossKeyName(_ layer: Int) -> String { "cross_key_\(layer)" }
    public static func crossValueName(_ layer: Int) -> String { "cross_value_\(layer)" }
    public static func pastKeyName(_ layer: Int) -> String { "past_key_\(layer)" }
    public static func pastValueName(_ layer: Int) -> String { "past_value_\(layer)" }
    public static func presentKeyName(_ layer: Int) -> String { "present_key_\(layer)" }
    public static func presentValueName(_ layer: Int) -> String { "present_value_\(layer)" }

    private var layerPrefix: (Int) -> String { { "\(prefix).bert.encoder.layer.\($0)" } }

    /// The graph that projects image embeddings to every layer's cross-attention keys and values.
    public func buildCrossAttentionCache(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = text
        let graph = GraphBuilder(name: "blip_cross_attention_cache")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let embeds = graph.input("image_embeds", .float, ["images", "positions", .fixed(c.encoderHiddenSize)])
        let flat = graph.reshape(embeds, [-1, Int64(c.encoderHiddenSize)])
        let split = graph.concat([graph.shape(embeds, start: 0, end: 2),
                                  graph.constant([Int64(c.numAttentionHeads), Int64(c.headDim)])], axis: 0)
        for layer in 0..<c.numHiddenLayers {
            let name = "\(layerPrefix(layer)).crossattention.self"
            try graph.scope("layer.\(layer)") {
                let key = try weights.linear(flat, "\(name).key", input: c.encoderHiddenSize, output: c.hiddenSize)
                let value = try weights.linear(flat, "\(name).value", input: c.encoderHiddenSize, output: c.hiddenSize)
                graph.output(graph.transpose(graph.reshape(key, shape: split), permutation: [0, 2, 3, 1]),
                             name: Self.crossKeyName(layer), .float,
                             ["images", .fixed(c.numAttentionHeads), .fixed(c.headDim), "positions"])
                graph.output(graph.transpose(graph.reshape(value, shape: split), permutation: [0, 2, 1, 3]),
                             name: Self.crossValueName(layer), .float,
                             ["images", .fixed(c.numAttentionHeads), "positions", .fixed(c.headDim)])
            }
        }
        return weights
    }

    /// The decoder over `tokens` new tokens after the cached keys and values of `past` earlier ones.
    public func buildDecoder(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = text
        let graph = GraphBuilder(name: "blip_decoder")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let heads = TensorDimension.fixed(c.numAttentionHeads), headSize = TensorDimension.fixed(c.headDim)
        let ids = graph.input("input_ids", .int64, ["rows", "tokens"])
        let mask = graph.input("attention_mask", .int64, ["rows", "total"])
        var pasts: [(GraphValue, GraphValue)] = []
        var crosses: [(GraphValue, GraphValue)] = []
        for layer in 0..<c.numHiddenLayers {
            pasts.append((graph.input(Self.pastKeyName(layer), .float, ["rows", heads, "past", headSize]),
                          graph.input(Self.pastValueName(layer), .float, ["rows", heads, "past", headSize])))
            crosses.append((graph.input(Self.crossKeyName(layer), .float, ["images", heads, headSize, "positions"]),
                            graph.input(Self.crossValueName(layer), .float, ["images", heads, "positions", headSize])))
        }
        let epsilon = Float(c.layerNormEps)
        let total = graph.shape(mask, start: 1, end: 2)
        let past = graph.sub(total, graph.shape(ids, start: 1, end: 2))

        // Word embeddings plus the positions `past ..< total`, layer-normalised (no token types).
        let words = graph.gather(try weights.float("\(prefix).bert.embeddings.word_embeddings.weight",
                                                   shape: [c.vocabSize, c.hiddenSize]), indices: ids)
        let table = try weights.float("\(prefix).bert.embeddings.position_embeddings.weight",
                                      shape: [c.maxPositionEmbeddings, c.hiddenSize])
        let positions = graph.op("Slice", table, past, total, graph.constant([0]))
        let layout = try SequenceLayout(graph: graph, sequence: ids, hidden: c.hiddenSize, heads: c.numAttentionHeads)
        var hidden = layout.flatten(try weights.layerNorm(graph.add(words, positions), "\(prefix).bert.embeddings.LayerNorm",
                                                          size: c.hiddenSize, epsilon: epsilon), in: graph)
        let additiveMask = causalMask(mask, past: past, total: total, in: graph)
        let layer = BLIPDecoderLayer(configuration: c)
        for index in 0..<c.numHiddenLayers {
            let (output, presentKey, presentValue) = try layer(
                hidden, prefix: layerPrefix(index), layout: layout, mask: additiveMask,
                past: pasts[index], cross: crosses[index], weights: weights)
            hidden = output
            graph.output(presentKey, name: Self.presentKeyName(index), .float, ["rows", heads, "total", headSize])
            graph.output(presentValue, name: Self.presentValueName(index), .float, ["rows", heads, "total", headSize])
        }

        let logits = try languageModelHead(hidden, weights: weights)
        let logitsShape = graph.concat([graph.shape(ids), graph.constant([Int64(c.vocabSize)])], axis: 0)
        graph.output(graph.reshape(logits, shape: logitsShape), name: "logits", .float, ["rows", "tokens", .fixed(c.vocabSize)])
        return weights
    }

    /// transformers' extended decoder mask: query `i` (absolute position `past + i`) may see key `j` when
    /// `j ≤ past + i` and `attention_mask[j] = 1`; `(1 - allowed) · -10000`, shaped `[rows, 1, tokens, total]`.
    private func causalMask(_ mask: GraphValue, past: GraphValue, total: GraphValue, in graph: GraphBuilder) -> GraphValue {
        let zero = graph.constant([0], shape: []), one = graph.constant([1], shape: [])
        let end = graph.squeeze(total, axes: [0]), start = graph.squeeze(past, axes: [0])
        let keys = graph.op("Range", zero, end, one)
        let queries = graph.unsqueeze(graph.op("Range", start, end, one), axes: [1])
        let causal = graph.cast(graph.op("LessOrEqual", keys, queries), to: .float)
        let padding = graph.unsqueeze(graph.cast(mask, to: .float), axes: [1, 2])
        let allowed = graph.mul(causal, padding)
        return graph.mul(graph.sub(graph.scalar(1), allowed), graph.scalar(-10000))
    }

    /// `cls.predictions`: dense → activation → LayerNorm → decoder with bias: `[rows·tokens, vocab]`.
    ///
    /// The bias is `cls.predictions.bias` (tied to `decoder.bias`); a checkpoint without its own decoder
    /// weight uses the word embeddings, as weight tying would.
    private func languageModelHead(_ x: GraphValue, weights: CheckpointWeights) throws -> GraphValue {
        let c = text
        let graph = weights.graph
        let head = "\(prefix).cls.predictions"
        return try graph.scope("cls") {
            let dense = try weights.linear(x, "\(head).transform.dense", input: c.hiddenSize, output: c.hiddenSize)
            let normed = try weights.layerNorm(try c.hiddenAct.apply(dense, in: graph), "\(head).transform.LayerNorm",
                                               size: c.hiddenSize, epsilon: Float(c.layerNormEps))
            let checkpoint = weights.checkpoint
            let weightName = checkpoint.contains("\(head).decoder.weight")
                ? "\(head).decoder.weight" : "\(prefix).bert.embeddings.word_embeddings.weight"
            let biasName = checkpoint.contains("\(head).bias") ? "\(head).bias" : "\(head).decoder.bias"
            return graph.gemm(normed, try weights.float(weightName, shape: [c.vocabSize, c.hiddenSize]),
                              try weights.float(biasName, shape: [c.vocabSize]), transB: true)
        }
    }
}

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
