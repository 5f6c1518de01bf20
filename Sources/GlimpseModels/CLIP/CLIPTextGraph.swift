import GlimpseRuntime

/// CLIP's text tower and projection (`CLIPModel.get_text_features`, then L2 normalisation) as an ONNX graph.
///
/// Input `input_ids` `[batch, tokens]` (int64, tokens ≤ `max_position_embeddings`); output `text_embeds`
/// `[batch, projectionDim]`. Attention is causal, so padding after the end-of-text token cannot change
/// the pooled state and no attention mask is needed.
public struct CLIPTextGraph {
    public let text: CLIPTextConfiguration
    public let projectionDim: Int

    public init(configuration: CLIPConfiguration) {
        text = configuration.textConfig
        projectionDim = configuration.projectionDim
    }

    public func build(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = text
        guard c.numHiddenLayers > 0 else {
            throw ModelsError.invalidConfiguration(file: "config.json", field: "text_config.num_hidden_layers",
                                                   reason: "the text tower needs at least one layer")
        }
        let graph = GraphBuilder(name: "clip_text")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let ids = graph.input("input_ids", .int64, ["batch", "tokens"])
        let epsilon = Float(c.layerNormEps)
        let tokenCount = graph.shape(ids, start: 1, end: 2)

        let words = graph.gather(try weights.float("text_model.embeddings.token_embedding.weight", shape: [c.vocabSize, c.hiddenSize]), indices: ids)
        let table = try weights.float("text_model.embeddings.position_embedding.weight", shape: [c.maxPositionEmbeddings, c.hiddenSize])
        let embedded = graph.add(words, graph.op("Slice", table, graph.constant([0]), tokenCount, graph.constant([0])))

        let layout = try SequenceLayout(graph: graph, sequence: ids, hidden: c.hiddenSize, heads: c.numAttentionHeads)
        var hidden = layout.flatten(embedded, in: graph)
        // A search builds this tower for every process and runs it once or twice: a quick start matters
        // more than the few per cent the packed projections would save per run.
        let layer = PreNormEncoderLayer(hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize,
                                        activation: c.hiddenAct, layerNormEpsilon: epsilon, projections: .separate)
        // The state of the end-of-text token: the highest id in old checkpoints, else the first eos_token_id.
        let scores = c.poolsAtHighestTokenID
            ? graph.cast(ids, to: .int32)
            : graph.cast(graph.op("Equal", ids, graph.constant([Int64(c.eosTokenID)], shape: [])), to: .int32)
        let position = graph.op("ArgMax", scores, attributes: ["axis": 1, "keepdims": 1])
        for index in 0..<(c.numHiddenLayers - 1) {
            hidden = try layer(hidden, prefix: "text_model.encoder.layers.\(index)", layout: layout, mask: .causal, weights: weights)
        }
        // Only that token's state is used: the last layer computes it alone (its keys and values from every
        // token), a twelfth of the tower's work less at 16 tokens.
        let last = "text_model.encoder.layers.\(c.numHiddenLayers - 1)"
        let pooled = try weights.layerNorm(try layer.pooled(hidden, token: .causal(at: position), prefix: last, layout: layout, weights: weights),
                                           "text_model.final_layer_norm", size: c.hiddenSize, epsilon: epsilon)
        let features = try weights.linear(pooled, "text_projection", input: c.hiddenSize, output: projectionDim, bias: false)
        graph.output(graph.l2Normalize(features), name: "text_embeds", .float, ["batch", .fixed(projectionDim)])
        return weights
    }
}
