import GlimpseRuntime

/// `SamAttention`: multi-head attention whose projections may shrink the width to
/// `hidden / downsampleRate` (the token↔image cross-attentions of the mask decoder use rate 2).
///
/// Activations are flat (`[rows·tokens, hidden]`); the layouts split them into heads.
struct SAMAttention {
    let hidden: Int
    let internalDim: Int
    let heads: Int

    /// Projections computed elsewhere (`[rows·tokens, internalDim]`), for inputs shared by every prompt.
    struct Projected {
        var query: GraphValue?
        var key: GraphValue?
        var value: GraphValue?
    }

    /// - Parameters:
    ///   - query: `[rows·queries, hidden]`, laid out by `queryLayout` (built with width `internalDim`).
    ///   - key, value: `[rows·keys, hidden]`, laid out by `keyLayout`.
    ///   - projected: projections to use instead of projecting `query`, `key` or `value`.
    /// - Returns: `[rows·queries, hidden]`.
    func callAsFunction(
        query: GraphValue?, key: GraphValue?, value: GraphValue?, queryLayout: SequenceLayout, keyLayout: SequenceLayout,
        prefix: String, projected: Projected = Projected(), weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        let project = { (x: GraphValue?, given: GraphValue?, name: String) throws -> GraphValue in
            if let given { return given }
            guard let x else { throw RuntimeError.invalidGraph("SAM attention '\(prefix)' has no input for \(name)") }
            return try weights.linear(x, "\(prefix).\(name)", input: hidden, output: internalDim)
        }
        let q = try project(query, projected.query, "q_proj")
        let k = try project(key, projected.key, "k_proj")
        let v = try project(value, projected.value, "v_proj")
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

    /// Layer 0 reads the image embedding before any prompt has changed it, so its projections of the
    /// image (token→image keys and values, image→token queries) are computed once per image and then
    /// repeated for the prompts, instead of projecting every prompt's identical copy.
    ///
    /// - Parameters:
    ///   - pointEmbeddings: the prompt tokens, `[rows·tokens, hidden]` (also their positional term `pe`).
    ///   - tokens: any `[rows, tokens, …]` tensor, for the layouts.
    ///   - image: the image embedding plus dense prompt, `[rows·cells, hidden]`.
    ///   - cells: any `[rows, cells, …]` tensor, for the layouts.
    ///   - imagePositions: `[cells, hidden]`, broadcast over rows.
    ///   - sharedImage: the image embedding before repetition, `[batch·cells, hidden]`.
    ///   - batchAndPrompts: `[batch, prompts]` (rows = batch · prompts), to repeat shared projections.
    func callAsFunction(
        pointEmbeddings: GraphValue, tokens: GraphValue, image: GraphValue, cells: GraphValue, cellCount: Int,
        imagePositions: GraphValue, sharedImage: GraphValue, batchAndPrompts: GraphValue, weights: CheckpointWeights
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
        // [batch·cells, width] → [batch·prompts·cells, width], each image's rows repeated for its prompts.
        let repeatForPrompts = { (x: GraphValue, width: Int) -> GraphValue in
            let shape = graph.concat([batchAndPrompts, graph.constant([Int64(cellCount), Int64(width)])], axis: 0)
            let perImage = graph.unsqueeze(graph.reshape(x, [-1, Int64(cellCount), Int64(width)]), axes: [1])
            return graph.reshape(graph.op("Expand", perImage, shape), [-1, Int64(width)])
        }
        let prefix = "mask_decoder.transformer"
        let first = "\(prefix).layers.0"
        let sharedWithPositions = withPositions(sharedImage)
        let firstToImage = c.numHiddenLayers > 0 ? SAMAttention.Projected(
            key: repeatForPrompts(try weights.linear(sharedWithPositions, "\(first).cross_attn_token_to_image.k_proj", input: hidden, output: crossDim), crossDim),
            value: repeatForPrompts(try weights.linear(sharedImage, "\(first).cross_attn_token_to_image.v_proj", input: hidden, output: crossDim), crossDim))
            : SAMAttention.Projected()
        let firstToTokens = c.numHiddenLayers > 0 ? SAMAttention.Projected(
            query: repeatForPrompts(try weights.linear(sharedWithPositions, "\(first).cross_attn_image_to_token.q_proj", input: hidden, output: crossDim), crossDim))
            : SAMAttention.Projected()
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

                let toImage = try crossAttention(query: graph.add(queries, pointEmbeddings),
                                                 key: index == 0 ? nil : withPositions(keys), value: index == 0 ? nil : keys,
                                                 queryLayout: tokensCross, keyLayout: cellsCross,
                                                 prefix: "\(layer).cross_attn_token_to_image",
                                                 projected: index == 0 ? firstToImage : SAMAttention.Projected(), weights: weights)
                queries = try weights.layerNorm(graph.add(queries, toImage), "\(layer).layer_norm2", size: hidden, epsilon: epsilon)

                let up = try weights.linear(queries, "\(layer).mlp.lin1", input: hidden, output: c.mlpDim)
                let down = try weights.linear(try c.hiddenAct.apply(up, in: graph), "\(layer).mlp.lin2", input: c.mlpDim, output: hidden)
                queries = try weights.layerNorm(graph.add(queries, down), "\(layer).layer_norm3", size: hidden, epsilon: epsilon)

                let toTokens = try crossAttention(query: index == 0 ? nil : withPositions(keys), key: graph.add(queries, pointEmbeddings),
                                                  value: queries, queryLayout: cellsCross, keyLayout: tokensCross,
                                                  prefix: "\(layer).cross_attn_image_to_token",
                                                  projected: index == 0 ? firstToTokens : SAMAttention.Projected(), weights: weights)
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
