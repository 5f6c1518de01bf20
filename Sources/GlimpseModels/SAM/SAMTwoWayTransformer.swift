import GlimpseRuntime

/// `SamAttention`: multi-head attention whose projections may shrink the width to
/// `hidden / downsampleRate` (the token↔image cross-attentions of the mask decoder use rate 2).
///
/// Activations are flat (`[rows·tokens, hidden]`); the layouts split them into heads.
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
struct SAMTwoWayTransformer {
    let configuration: SAMMaskDecoderConfiguration

    /// Flat activations and their layouts for one decoder run.
    struct State {
        /// `[rows·tokens, hidden]`, rows = batch · prompts.
        var queries: GraphValue
        /// `[rows·cells, hidden]`.
        var keys: GraphValue
    }

    /// - Parameters:
    ///   - pointEmbeddings: the prompt tokens, `[rows·tokens, hidden]` (also their positional term `pe`).
    ///   - tokens: any `[rows, tokens, …]` tensor, for the layouts.
    ///   - image: the image embedding plus dense prompt, `[rows·cells, hidden]`.
    ///   - cells: any `[rows, cells, …]` tensor, for the layouts.
    ///   - imagePositions: `[cells, hidden]`, broadcast over rows.
    func callAsFunction(
        pointEmbeddings: GraphValue, tokens: GraphValue, image: GraphValue, cells: GraphValue, cellCount: Int,
        imagePositions: GraphValue, weights: CheckpointWeights
    ) throws -> State {
        let c = configuration, graph = weights.graph
        let hidden = c.hiddenSize, epsilon = Float(c.layerNormEps)
        let crossDim = hidden / c.attentionDownsampleRate
        let selfAttention = SAMAttention(hidden: hidden, internalDim: hidden, heads: c.numAttentionHeads)
        let crossAttention = SAMAttention(hidden: hidden, internalDim: crossDim, heads: c.numAttentionHeads)
        let tokensFull = try SequenceLayout(graph: graph, sequence: tokens, hidden: hidden, heads: c.numAttentionHeads)
        let tokensCross = try SequenceLayout(graph: graph, sequence: tokens, hidden: crossDim, heads: c.numAttentionHeads)
        let cellsCross = try SequenceLayout(graph: graph, sequence: cells, hidden: crossDim, heads: c.numAttentionHeads)
        // keys + key_pe, computed on a [rows, cells, hidden] view so the positions broadcast over rows.
        let withPositions = { (keys: GraphValue) in
            graph.reshape(graph.add(graph.reshape(keys, [-1, Int64(cellCount), Int64(hidden)]), imagePositions), [-1, Int64(hidden)])
        }
        let prefix = "mask_decoder.transformer"
        var queries = pointEmbeddings, keys = image
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

                let toImage = try crossAttention(query: graph.add(queries, pointEmbeddings), key: withPositions(keys), value: keys,
                                                 queryLayout: tokensCross, keyLayout: cellsCross,
                                                 prefix: "\(layer).cross_attn_token_to_image", weights: weights)
                queries = try weights.layerNorm(graph.add(queries, toImage), "\(layer).layer_norm2", size: hidden, epsilon: epsilon)

                let up = try weights.linear(queries, "\(layer).mlp.lin1", input: hidden, output: c.mlpDim)
                let down = try weights.linear(try c.hiddenAct.apply(up, in: graph), "\(layer).mlp.lin2", input: c.mlpDim, output: hidden)
                queries = try weights.layerNorm(graph.add(queries, down), "\(layer).layer_norm3", size: hidden, epsilon: epsilon)

                let toTokens = try crossAttention(query: withPositions(keys), key: graph.add(queries, pointEmbeddings), value: queries,
                                                  queryLayout: cellsCross, keyLayout: tokensCross,
                                                  prefix: "\(layer).cross_attn_image_to_token", weights: weights)
                keys = try weights.layerNorm(graph.add(keys, toTokens), "\(layer).layer_norm4", size: hidden, epsilon: epsilon)
            }
        }
        let final = try crossAttention(query: graph.add(queries, pointEmbeddings), key: withPositions(keys), value: keys,
                                       queryLayout: tokensCross, keyLayout: cellsCross,
                                       prefix: "\(prefix).final_attn_token_to_image", weights: weights)
        // nn.LayerNorm(hidden_size) with its default ε, not the configuration's.
        queries = try weights.layerNorm(graph.add(queries, final), "\(prefix).layer_norm_final_attn", size: hidden, epsilon: 1e-5)
        return State(queries: queries, keys: keys)
    }
}
