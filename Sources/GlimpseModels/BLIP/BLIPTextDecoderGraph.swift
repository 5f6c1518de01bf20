import GlimpseRuntime

/// BLIP's captioning text decoder (`BlipTextLMHeadModel`: a BERT decoder with causal self-attention,
/// cross-attention to the image in every layer and a language-model head) as one ONNX graph with a
/// self-attention key/value cache.
///
/// ``buildDecoder(checkpoint:)``: `input_ids` `[rows, tokens]` (int64) after `past` cached tokens,
/// `attention_mask` `[rows, past + tokens]` (int64, 1 = attend), `past_key_<l>` / `past_value_<l>`
/// `[rows, heads, past, headSize]` (`past` may be 0: the prompt pass), and the image embeddings
/// `image_embeds` `[images, positions, encoderHidden]` with each image's matrix also transposed,
/// `image_embeds_t` `[images, encoderHidden, positions]` → `logits` `[rows, tokens, vocab]` and
/// `present_key_<l>` / `present_value_<l>` `[rows, heads, past + tokens, headSize]` (the next step's past).
///
/// The cross-attention keys and values are never computed: each layer's key projection is moved onto its
/// queries and its value projection after the attention (see ``BLIPDecoderLayer``), so every layer attends
/// to the image embeddings themselves. Nothing is computed per image before decoding but a transposed
/// copy of its embeddings (``BLIPImageKeys``), and a step reads `positions × encoderHidden` floats per image
/// twice a layer instead of 24 projected copies of them.
///
/// Rows are grouped by image: with `images` images, `rows` must be a multiple of `images` and rows
/// `i·k ..< (i+1)·k` attend to image `i` (`k` beams per image). The image embeddings are therefore never
/// copied per beam.
public struct BLIPTextDecoderGraph {
    public let text: BLIPTextConfiguration
    /// Checkpoint prefix of the decoder's weights.
    public let prefix = "text_decoder"

    public init(configuration: BLIPConfiguration) {
        text = configuration.textConfig
    }

    public static let imageEmbeddingsName = "image_embeds"
    public static let transposedImageEmbeddingsName = "image_embeds_t"
    public static func pastKeyName(_ layer: Int) -> String { "past_key_\(layer)" }
    public static func pastValueName(_ layer: Int) -> String { "past_value_\(layer)" }
    public static func presentKeyName(_ layer: Int) -> String { "present_key_\(layer)" }
    public static func presentValueName(_ layer: Int) -> String { "present_value_\(layer)" }

    private var layerPrefix: (Int) -> String { { "\(prefix).bert.encoder.layer.\($0)" } }

    /// The decoder over `tokens` new tokens after the cached keys and values of `past` earlier ones.
    public func buildDecoder(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = text
        let graph = GraphBuilder(name: "blip_decoder")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let heads = TensorDimension.fixed(c.numAttentionHeads), headSize = TensorDimension.fixed(c.headDim)
        let ids = graph.input("input_ids", .int64, ["rows", "tokens"])
        let mask = graph.input("attention_mask", .int64, ["rows", "total"])
        let pasts = (0..<c.numHiddenLayers).map { layer in
            (graph.input(Self.pastKeyName(layer), .float, ["rows", heads, "past", headSize]),
             graph.input(Self.pastValueName(layer), .float, ["rows", heads, "past", headSize]))
        }
        let image = (embeddings: graph.input(Self.imageEmbeddingsName, .float, ["images", "positions", .fixed(c.encoderHiddenSize)]),
                     transposed: graph.input(Self.transposedImageEmbeddingsName, .float, ["images", .fixed(c.encoderHiddenSize), "positions"]))
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
        let keyPadding = graph.cast(mask, to: .int32)
        let layer = BLIPDecoderLayer(configuration: c)
        for index in 0..<c.numHiddenLayers {
            let (output, presentKey, presentValue) = try layer(
                hidden, prefix: layerPrefix(index), layout: layout, keyPadding: keyPadding,
                past: pasts[index], image: image, weights: weights)
            hidden = output
            graph.output(presentKey, name: Self.presentKeyName(index), .float, ["rows", heads, "total", headSize])
            graph.output(presentValue, name: Self.presentValueName(index), .float, ["rows", heads, "total", headSize])
        }

        let logits = try languageModelHead(hidden, weights: weights)
        let logitsShape = graph.concat([graph.shape(ids), graph.constant([Int64(c.vocabSize)])], axis: 0)
        graph.output(graph.reshape(logits, shape: logitsShape), name: "logits", .float, ["rows", "tokens", .fixed(c.vocabSize)])
        return weights
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
/// keys and values are appended to cached ones and returned, and the cross-attention's key and value
/// projections are absorbed into its queries and outputs (``crossAttention(_:prefix:image:weights:)``).
struct BLIPDecoderLayer {
    /// The decoder's two image inputs: `[images, positions, encoderHidden]` and the same transposed.
    typealias ImageInputs = (embeddings: GraphValue, transposed: GraphValue)

    let configuration: BLIPTextConfiguration

    init(configuration: BLIPTextConfiguration) {
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - x: flat activations `[rows·tokens, hidden]` with their `layout`.
    ///   - keyPadding: which of the `past + tokens` keys each row may attend to, `[rows, past + tokens]` (int32, 1 = attend).
    ///   - past: cached keys and values `[rows, heads, past, headSize]` (`past` may be 0).
    ///   - image: the embeddings of the rows' images, `[images, positions, encoderHidden]`, and the same transposed.
    /// - Returns: `[rows·tokens, hidden]` and the keys and values `[rows, heads, past + tokens, headSize]`.
    func callAsFunction(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, keyPadding: GraphValue,
        past: (key: GraphValue, value: GraphValue), image: ImageInputs, weights: CheckpointWeights
    ) throws -> (GraphValue, GraphValue, GraphValue) {
        let c = configuration
        let graph = weights.graph
        let epsilon = Float(c.layerNormEps)
        return try graph.scope(prefix) {
            let (attended, key, value) = try selfAttention(x, prefix: "\(prefix).attention", layout: layout,
                                                           keyPadding: keyPadding, past: past, weights: weights)
            var h = try weights.layerNorm(graph.add(x, attended), "\(prefix).attention.output.LayerNorm",
                                          size: c.hiddenSize, epsilon: epsilon)
            let attendedImage = try crossAttention(h, prefix: "\(prefix).crossattention", image: image, weights: weights)
            h = try weights.layerNorm(graph.add(h, attendedImage), "\(prefix).crossattention.output.LayerNorm",
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

    /// Causal self-attention over the cached and the new tokens, as one `com.microsoft.MultiHeadAttention`
    /// node that also appends the new keys and values to the cache: query `i` (absolute position `past + i`)
    /// sees key `j` when `j ≤ past + i` and `keyPadding[j] = 1`, masked keys scoring −10000 as in transformers.
    /// Returns the output `[rows·tokens, hidden]` and the keys and values of all tokens `[rows, heads, past + tokens, headSize]`.
    private func selfAttention(
        _ x: GraphValue, prefix: String, layout: SequenceLayout, keyPadding: GraphValue,
        past: (key: GraphValue, value: GraphValue), weights: CheckpointWeights
    ) throws -> (GraphValue, GraphValue, GraphValue) {
        let c = configuration
        let graph = weights.graph
        func project(_ name: String) throws -> GraphValue {
            layout.unflatten(try weights.linear(x, "\(prefix).self.\(name)", input: c.hiddenSize, output: c.hiddenSize), in: graph)
        }
        // Inputs: query, key, value, bias (none: the Gemms add it), key padding mask, attention bias, past key and value.
        let attended = graph.node("MultiHeadAttention", [try project("query"), try project("key"), try project("value"), nil, keyPadding, nil,
                                                         past.key, past.value],
                                  attributes: ["num_heads": .int(c.numAttentionHeads), "unidirectional": .int(1)],
                                  domain: "com.microsoft", outputs: 3)
        let output = try weights.linear(layout.flatten(attended[0], in: graph), "\(prefix).output.dense", input: c.hiddenSize, output: c.hiddenSize)
        return (output, attended[1], attended[2])
    }

    /// Attention from every row's tokens to its image, with the key and value projections absorbed.
    ///
    /// Per head `h`, with the key `K_h·e + k_h` of an image position `e`, the score is
    /// `q_h·(K_h·e + k_h) = (q_h·K_h)·e + q_h·k_h`; the last term is the same for every position and
    /// cancels in the softmax (so the key bias is never read). Likewise the weighted sum of the values
    /// `V_h·e + v_h` is `V_h·(Σ p·e) + v_h`, the probabilities summing to 1. So each head's query is mapped
    /// to `q_h·K_h` (`encoderHidden` wide), attends to the embeddings directly, and the value projection is
    /// applied to the weighted sum. The `heads × (rows / images)·tokens` queries of one image are stacked
    /// into one matrix product with its embeddings.
    ///
    /// Both products take the image's matrix as their left operand (the embeddings for the scores, their
    /// transposed copy for the weighted sum) and the few query rows as the right one: ONNX Runtime then
    /// streams the large matrix once instead of repacking it at every layer and step, which matters
    /// because the weights read between layers push the embeddings out of the cache (16 images × 1 row:
    /// a step 60.5 → 42.6 ms; 1 row or 3 beams of one image the same; BENCHMARKS.md, 2026-12-05).
    private func crossAttention(_ x: GraphValue, prefix: String, image: ImageInputs, weights: CheckpointWeights) throws -> GraphValue {
        let c = configuration
        let graph = weights.graph
        let heads = Int64(c.numAttentionHeads), headSize = Int64(c.headDim), width = Int64(c.encoderHiddenSize)
        let query = graph.mul(try weights.linear(x, "\(prefix).self.query", input: c.hiddenSize, output: c.hiddenSize),
                              graph.scalar(scale))
        let perHead = { (name: String) throws -> GraphValue in  // [heads, headSize, encoderHidden]
            graph.reshape(try weights.float("\(prefix).self.\(name).weight", shape: [c.hiddenSize, c.encoderHiddenSize]),
                          [heads, headSize, width])
        }
        // [rows·tokens, hidden] → [heads, rows·tokens, headSize] → [heads, rows·tokens, encoderHidden]
        let queries = graph.matMul(graph.transpose(graph.reshape(query, [-1, heads, headSize]), permutation: [1, 0, 2]),
                                   try perHead("key"))
        // Rows grouped by image: [heads, images, m, encoderHidden] ↔ [images, heads·m, encoderHidden].
        let images = graph.shape(image.embeddings, start: 0, end: 1)
        let byHead = graph.concat([graph.constant([heads]), images, graph.constant([-1, width])], axis: 0)
        let byImage = graph.concat([images, graph.constant([-1, width])], axis: 0)
        let stacked = graph.reshape(graph.transpose(graph.reshape(queries, shape: byHead), permutation: [1, 0, 2, 3]), shape: byImage)
        // (e · stackedᵀ)ᵀ: [images, positions, heads·m] → [images, heads·m, positions]
        let scores = graph.transpose(graph.matMul(image.embeddings, graph.transpose(stacked, permutation: [0, 2, 1])), permutation: [0, 2, 1])
        let probabilities = graph.softmax(scores, axis: -1)
        // (eᵀ · probabilitiesᵀ)ᵀ: [images, encoderHidden, heads·m] → [images, heads·m, encoderHidden]
        let mixed = graph.transpose(graph.matMul(image.transposed, graph.transpose(probabilities, permutation: [0, 2, 1])),
                                    permutation: [0, 2, 1])
        let imageHeads = graph.concat([images, graph.constant([heads, -1, width])], axis: 0)
        let mixedByHead = graph.reshape(graph.transpose(graph.reshape(mixed, shape: imageHeads), permutation: [1, 0, 2, 3]),
                                        [heads, -1, width])  // [heads, rows·tokens, encoderHidden]
        let valueBias = graph.reshape(try weights.float("\(prefix).self.value.bias", shape: [c.hiddenSize]), [heads, 1, headSize])
        let context = graph.add(graph.matMul(mixedByHead, graph.transpose(try perHead("value"), permutation: [0, 2, 1])), valueBias)
        let merged = graph.reshape(graph.transpose(context, permutation: [1, 0, 2]), [-1, Int64(c.hiddenSize)])
        return try weights.linear(merged, "\(prefix).output.dense", input: c.hiddenSize, output: c.hiddenSize)
    }
}
