import GlimpseRuntime

/// `SamAttention` between tokens (the two-way transformer's self-attention): multi-head attention on
/// flat activations (`[rows·tokens, hidden]`); the layouts split them into heads.
struct SAMAttention {
    let hidden: Int
    let internalDim: Int
    let heads: Int

    /// - Parameters:
    ///   - query: `[rows·queries, hidden]`, laid out by `queryLayout` (built with width `internalDim`).
    ///   - key, value: `[rows·keys, hidden]`, laid out by `keyLayout`.
    /// - Returns: `[rows·queries, hidden]`.
    func callAsFunction(
        query: GraphValue, key: GraphValue, value: GraphValue, queryLayout: SequenceLayout, keyLayout: SequenceLayout,
        prefix: String, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        let q = try weights.linear(query, "\(prefix).q_proj", input: hidden, output: internalDim)
        let k = try weights.linear(key, "\(prefix).k_proj", input: hidden, output: internalDim)
        let v = try weights.linear(value, "\(prefix).v_proj", input: hidden, output: internalDim)
        let scale = graph.scalar(Float((Double(internalDim / heads)).squareRoot()))
        let scores = graph.div(graph.matMul(queryLayout.splitHeads(q, in: graph), keyLayout.splitHeads(k, transposed: true, in: graph)), scale)
        let context = graph.matMul(graph.softmax(scores, axis: -1), keyLayout.splitHeads(v, in: graph))
        return try weights.linear(queryLayout.mergeHeads(context, in: graph), "\(prefix).out_proj", input: internalDim, output: hidden)
    }
}

/// SAM's two-way transformer (`SamTwoWayTransformer`): prompt tokens and image cells attend to each
/// other in every layer, then the tokens attend to the image once more.
///
///     queries = LN1(queries + self_attn(queries + pe))       layer 0: LN1(self_attn(queries)), no residual
///     queries = LN2(queries + attn_t2i(queries + pe, keys + key_pe, keys))
///     queries = LN3(queries + mlp(queries))
///     keys    = LN4(keys + attn_i2t(keys + key_pe, queries + pe, queries))
///     …
///     queries = LN_final(queries + final_attn_t2i(queries + pe, keys + key_pe, keys))   (ε = 1e-5)
///
/// The image side is where the work is: every prompt carries its own copy of the `cells × hidden`
/// image state, while a prompt has only a handful of tokens. The graph is arranged so that no
/// per-prompt image-sized projection is ever computed; all of them are moved to the token side,
/// where they cost `tokens · heads` rows instead of `cells` rows (exact rewrites of the same sums):
///
/// - layer 0's token→image attention reads the image before any prompt changed it, so its keys and
///   values are projected once per image and all prompts' tokens attend in one product per head;
/// - token→image attention on a prompt's own image state `K`: `q·(W_k k + b_k)` = `(W_kᵀ q)·k + q·b_k`,
///   and the last term is the same for every cell, so softmax drops it; the values are
///   `Σ p·(W_v k + b_v)` = `W_v (Σ p·k) + b_v` because the weights `p` sum to one. Per head and token,
///   one `hidden`-wide query row against the image, then one weighted sum of it;
/// - image→token attention: `(W_q k + b_q)·key_t` = `k·(W_qᵀ key_t) + b_q·key_t`, and its output
///   `W_o (Σ_t p_t v_t) + b_o` = `Σ_{head, t} p_{head,t} · (W_o,head v_{head,t} + b_o / heads)`: every cell's
///   update is a blend of `heads · tokens` vectors of width `hidden`.
struct SAMTwoWayTransformer {
    let configuration: SAMMaskDecoderConfiguration

    /// The transformer's result.
    struct State {
        /// The first `outputTokens` tokens of every prompt (IoU token, then the mask tokens),
        /// `[batch·prompts·outputTokens, hidden]`.
        var queries: GraphValue
        /// Every prompt's image state, channels last: `[batch, prompts, cells, hidden]`.
        var keys: GraphValue
    }

    /// Dimensions known only when the graph runs, each a one-element int64 tensor.
    struct Dimensions {
        var batch: GraphValue
        var prompts: GraphValue
        var tokens: GraphValue
    }

    /// - Parameters:
    ///   - pointEmbeddings: the prompt tokens, `[batch·prompts·tokens, hidden]` (also their positional term `pe`).
    ///   - tokens: any `[batch·prompts, tokens, …]` tensor, for the token layouts.
    ///   - image: the image embedding plus dense prompt, channels last, `[batch, cells, hidden]` (shared by the prompts).
    ///   - imagePositions: `[cells, hidden]`.
    ///   - outputTokens: how many leading tokens the heads read (1 + mask tokens).
    func callAsFunction(
        pointEmbeddings: GraphValue, tokens: GraphValue, image: GraphValue, cellCount: Int, imagePositions: GraphValue,
        dimensions: Dimensions, outputTokens: Int, weights: CheckpointWeights
    ) throws -> State {
        let c = configuration, graph = weights.graph
        let hidden = c.hiddenSize, epsilon = Float(c.layerNormEps)
        let crossDim = hidden / c.attentionDownsampleRate
        let selfAttention = SAMAttention(hidden: hidden, internalDim: hidden, heads: c.numAttentionHeads)
        let tokensFull = try SequenceLayout(graph: graph, sequence: tokens, hidden: hidden, heads: c.numAttentionHeads)
        let cross = ImageAttention(hidden: hidden, internalDim: crossDim, heads: c.numAttentionHeads, cells: cellCount,
                                   dimensions: dimensions, imagePositions: imagePositions)
        let prefix = "mask_decoder.transformer"

        var queries = pointEmbeddings
        var keys = graph.unsqueeze(image, axes: [1])  // [batch, 1, cells, hidden] until layer 0 gives every prompt its own
        for index in 0..<c.numHiddenLayers {
            let layer = "\(prefix).layers.\(index)"
            try graph.scope(layer) {
                if index == 0 {
                    queries = try selfAttention(query: queries, key: queries, value: queries, queryLayout: tokensFull,
                                                keyLayout: tokensFull, prefix: "\(layer).self_attn", weights: weights)
                } else {
                    let q = graph.add(queries, pointEmbeddings)
                    queries = graph.add(queries, try selfAttention(query: q, key: q, value: queries, queryLayout: tokensFull,
                                                                   keyLayout: tokensFull, prefix: "\(layer).self_attn", weights: weights))
                }
                queries = try weights.layerNorm(queries, "\(layer).layer_norm1", size: hidden, epsilon: epsilon)

                // keys + key_pe, read by both cross-attentions of this layer: [B, P or 1, N, C].
                let keysWithPositions = graph.add(keys, imagePositions)
                let tokenToImage = "\(layer).cross_attn_token_to_image"
                let toImage = index == 0
                    ? try cross.tokensToSharedImage(graph.add(queries, pointEmbeddings), image: image, prefix: tokenToImage, weights: weights)
                    : try cross.tokensToImage(graph.add(queries, pointEmbeddings), keys: keys, keysWithPositions: keysWithPositions,
                                              tokens: dimensions.tokens,
                                              prefix: tokenToImage, weights: weights)
                queries = try weights.layerNorm(graph.add(queries, toImage), "\(layer).layer_norm2", size: hidden, epsilon: epsilon)

                let up = try weights.linear(queries, "\(layer).mlp.lin1", input: hidden, output: c.mlpDim)
                let down = try weights.linear(try samActivation(c.hiddenAct, up, in: graph), "\(layer).mlp.lin2", input: c.mlpDim, output: hidden)
                queries = try weights.layerNorm(graph.add(queries, down), "\(layer).layer_norm3", size: hidden, epsilon: epsilon)

                let update = try cross.imageToTokens(keysWithPositions: keysWithPositions, queries: queries,
                                                     keysOfTokens: graph.add(queries, pointEmbeddings),
                                                     prefix: "\(layer).cross_attn_image_to_token", weights: weights)
                keys = try weights.layerNorm(graph.add(keys, update), "\(layer).layer_norm4", size: hidden, epsilon: epsilon)
            }
        }
        // Only the output tokens are read after this point.
        let leading = { (x: GraphValue) -> GraphValue in
            let perPrompt = graph.reshape(x, shape: graph.concat([graph.constant([-1]), dimensions.tokens, graph.constant([Int64(hidden)])], axis: 0))
            return graph.reshape(graph.slice(perPrompt, starts: [0], ends: [Int64(outputTokens)], axes: [1]), [-1, Int64(hidden)])
        }
        let outputQueries = leading(queries), outputPositions = leading(pointEmbeddings)
        let outputCount = graph.constant([Int64(outputTokens)])
        let final = c.numHiddenLayers == 0
            ? try cross.tokensToSharedImage(graph.add(outputQueries, outputPositions), image: image, prefix: "\(prefix).final_attn_token_to_image",
                                            weights: weights)
            : try cross.tokensToImage(graph.add(outputQueries, outputPositions), keys: keys,
                                      keysWithPositions: graph.add(keys, imagePositions), tokens: outputCount,
                                      prefix: "\(prefix).final_attn_token_to_image", weights: weights)
        // nn.LayerNorm(hidden_size) with its default ε, not the configuration's.
        let finalQueries = try weights.layerNorm(graph.add(outputQueries, final), "\(prefix).layer_norm_final_attn", size: hidden, epsilon: 1e-5)
        if c.numHiddenLayers == 0 {
            keys = graph.op("Expand", keys, graph.concat([dimensions.batch, dimensions.prompts, graph.constant([Int64(cellCount), Int64(hidden)])], axis: 0))
        }
        return State(queries: finalQueries, keys: keys)
    }
}

/// The activation of the mask decoder's MLPs; exact GELU as ONNX Runtime's fused kernel.
func samActivation(_ activation: HiddenActivation, _ x: GraphValue, in graph: GraphBuilder) throws -> GraphValue {
    switch activation {
    case .gelu, .geluPython: return graph.op("Gelu", x, domain: "com.microsoft")
    default: return try activation.apply(x, in: graph)
    }
}

/// The token↔image attentions of the two-way transformer (`SamAttention` with `downsample_rate`),
/// arranged as ``SAMTwoWayTransformer`` describes.
///
/// Shapes: `B` batch, `P` prompts, `T` tokens per prompt, `N` cells, `C` hidden, `D` internal width,
/// `H` heads of width `d = D / H`. Tokens are flat `[B·P·T, C]`; image states `[B, P, N, C]`.
struct ImageAttention {
    let hidden: Int
    let internalDim: Int
    let heads: Int
    let cells: Int
    let dimensions: SAMTwoWayTransformer.Dimensions
    /// `[N, C]`.
    let imagePositions: GraphValue

    private var headDim: Int { internalDim / heads }
    private var scale: Float { Float(1 / Double(headDim).squareRoot()) }

    /// A projection's weight `[D, C]` as one `[d, C]` block per head: `[H, d, C]`.
    private func headBlocks(_ name: String, weights: CheckpointWeights) throws -> GraphValue {
        weights.graph.reshape(try weights.float(name, shape: [internalDim, hidden]), [Int64(heads), Int64(headDim), Int64(hidden)])
    }

    /// Token projections `[B·P·T, D]` → `[B, P, H, T, d]`.
    private func tokenHeads(_ x: GraphValue, tokens: GraphValue, graph: GraphBuilder) -> GraphValue {
        let split = graph.reshape(x, shape: graph.concat([dimensions.batch, dimensions.prompts, tokens,
                                                          graph.constant([Int64(heads), Int64(headDim)])], axis: 0))
        return graph.transpose(split, permutation: [0, 1, 3, 2, 4])
    }

    /// Token→image attention, image state of every prompt `keys` `[B, P, N, C]` (and `keysWithPositions`, the same plus positions).
    ///
    /// - Parameters:
    ///   - query: the tokens plus their positions, `[B·P·T, C]`.
    ///   - tokens: `T`.
    /// - Returns: `[B·P·T, C]`.
    func tokensToImage(_ query: GraphValue, keys: GraphValue, keysWithPositions: GraphValue, tokens: GraphValue,
                       prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let q = graph.mul(try weights.linear(query, "\(prefix).q_proj", input: hidden, output: internalDim), graph.scalar(scale))
        // (W_k,head)ᵀ q per head and token: [B, P, H, T, C] → [B, P, H·T, C].
        let rows = graph.reshape(graph.matMul(tokenHeads(q, tokens: tokens, graph: graph), try headBlocks("\(prefix).k_proj.weight", weights: weights)),
                                 [0, 0, -1, Int64(hidden)])
        let scores = graph.op("FusedMatMul", rows, keysWithPositions, attributes: ["transB": 1], domain: "com.microsoft")  // [B, P, H·T, N]
        let summed = graph.matMul(graph.softmax(scores, axis: -1), keys)  // Σ p·k: [B, P, H·T, C]
        let perHead = graph.reshape(summed, shape: graph.concat([dimensions.batch, dimensions.prompts, graph.constant([Int64(heads), -1, Int64(hidden)])], axis: 0))
        // W_v,head (Σ p·k) + b_v,head: [B, P, H, T, d].
        let valueWeights = graph.transpose(try headBlocks("\(prefix).v_proj.weight", weights: weights), permutation: [0, 2, 1])
        let valueBias = graph.reshape(try weights.float("\(prefix).v_proj.bias", shape: [internalDim]), [Int64(heads), 1, Int64(headDim)])
        let context = graph.add(graph.matMul(perHead, valueWeights), valueBias)
        let merged = graph.reshape(graph.transpose(context, permutation: [0, 1, 3, 2, 4]), [-1, Int64(internalDim)])
        return try weights.linear(merged, "\(prefix).out_proj", input: internalDim, output: hidden)
    }

    /// Token→image attention against the shared image `[B, N, C]` (before any prompt changed it): the
    /// image's keys and values are projected once, and all prompts' tokens attend in one product per head.
    ///
    /// - Returns: `[B·P·T, C]`.
    func tokensToSharedImage(_ query: GraphValue, image: GraphValue, prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let b = dimensions.batch, h = Int64(heads), d = Int64(headDim), n = Int64(cells)
        let flatImage = graph.reshape(image, [-1, Int64(hidden)])
        let withPositions = graph.reshape(graph.add(image, imagePositions), [-1, Int64(hidden)])
        let key = try weights.linear(withPositions, "\(prefix).k_proj", input: hidden, output: internalDim)
        let value = try weights.linear(flatImage, "\(prefix).v_proj", input: hidden, output: internalDim)
        let keyHeads = graph.transpose(graph.reshape(key, [-1, n, h, d]), permutation: [0, 2, 3, 1])      // [B, H, d, N]
        let valueHeads = graph.transpose(graph.reshape(value, [-1, n, h, d]), permutation: [0, 2, 1, 3])  // [B, H, N, d]
        let q = graph.mul(try weights.linear(query, "\(prefix).q_proj", input: hidden, output: internalDim), graph.scalar(scale))
        let queryHeads = graph.transpose(graph.reshape(q, shape: graph.concat([b, graph.constant([-1, h, d])], axis: 0)),
                                         permutation: [0, 2, 1, 3])  // [B, H, P·T, d]
        let context = graph.matMul(graph.softmax(graph.matMul(queryHeads, keyHeads), axis: -1), valueHeads)
        let merged = graph.reshape(graph.transpose(context, permutation: [0, 2, 1, 3]), [-1, Int64(internalDim)])  // rows b, p, t
        return try weights.linear(merged, "\(prefix).out_proj", input: internalDim, output: hidden)
    }

    /// Image→token attention: the update of every prompt's image state, `[B, P, N, C]` (before the residual).
    ///
    /// - Parameters:
    ///   - keysWithPositions: image states plus positions, `[B, P, N, C]`, or the shared image's `[B, 1, N, C]`
    ///     (layer 0), broadcast over the prompts.
    ///   - queries: the tokens (values' source), `[B·P·T, C]`; `keysOfTokens` the tokens plus positions.
    func imageToTokens(keysWithPositions: GraphValue, queries: GraphValue, keysOfTokens: GraphValue,
                       prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let b = dimensions.batch, p = dimensions.prompts, t = dimensions.tokens
        let h = Int64(heads), d = Int64(headDim), c = Int64(hidden), n = Int64(cells)
        let k = graph.mul(try weights.linear(keysOfTokens, "\(prefix).k_proj", input: hidden, output: internalDim), graph.scalar(scale))
        let keyHeads = tokenHeads(k, tokens: t, graph: graph)  // [B, P, H, T, d]
        // (W_q k + b_q)·key_t = k·(W_q,headᵀ key_t) + b_q,head·key_t, scores laid out [B, P, N, H·T].
        let rows = graph.reshape(graph.matMul(keyHeads, try headBlocks("\(prefix).q_proj.weight", weights: weights)), [0, 0, -1, c])  // [B, P, H·T, C]
        let queryBias = graph.reshape(try weights.float("\(prefix).q_proj.bias", shape: [internalDim]), [h, d, 1])
        let biasTerm = graph.reshape(graph.matMul(keyHeads, queryBias), [0, 0, 1, -1])  // [B, P, 1, H·T]
        let scores = graph.add(graph.op("FusedMatMul", keysWithPositions, rows, attributes: ["transB": 1], domain: "com.microsoft"), biasTerm)
        let grouped = graph.reshape(scores, shape: graph.concat([b, p, graph.constant([n, h]), t], axis: 0))  // [B, P, N, H, T]
        let probabilities = graph.reshape(graph.softmax(grouped, axis: -1), [0, 0, 0, -1])  // [B, P, N, H·T]
        // W_o,head v_{head,t} + b_o / H, for every head and token: [B, P, H·T, C].
        let v = try weights.linear(queries, "\(prefix).v_proj", input: hidden, output: internalDim)
        let outputBlocks = graph.transpose(graph.reshape(try weights.float("\(prefix).out_proj.weight", shape: [hidden, internalDim]), [c, h, d]),
                                           permutation: [1, 2, 0])  // [H, d, C]
        let outputBias = graph.mul(try weights.float("\(prefix).out_proj.bias", shape: [hidden]), graph.scalar(1 / Float(heads)))
        let blended = graph.reshape(graph.add(graph.matMul(tokenHeads(v, tokens: t, graph: graph), outputBlocks), outputBias), [0, 0, -1, c])
        return graph.matMul(probabilities, blended)
    }
}
