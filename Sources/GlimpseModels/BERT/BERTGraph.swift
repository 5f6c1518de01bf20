import GlimpseRuntime

/// transformers' `BertModel` written as an ONNX graph, plus sentence-transformers' mean pooling.
///
/// Inputs (all int64, `[batch, tokens]`): `input_ids`, `attention_mask`, `token_type_ids`.
/// Outputs: `last_hidden_state` `[batch, tokens, hidden]` and `sentence_embedding` `[batch, hidden]`
/// (the mean of the unmasked tokens' states, L2-normalised, as all-MiniLM-L6-v2 is used).
public struct BERTGraph {
    public let configuration: BERTConfiguration
    /// `""` for checkpoints of `BertModel` itself, `"bert."` for those of task models that wrap it.
    public let prefix: String

    public init(configuration: BERTConfiguration, checkpoint: SafeTensorsCheckpoint) throws {
        guard configuration.positionEmbeddingType == "absolute" else {
            throw ModelsError.invalidConfiguration(
                file: "config.json", field: "position_embedding_type",
                reason: "'\(configuration.positionEmbeddingType)' is not supported; Glimpse runs BERT with 'absolute' positions")
        }
        self.configuration = configuration
        prefix = checkpoint.contains("embeddings.word_embeddings.weight") ? "" : "bert."
    }

    /// Builds the graph; its weights are lent from `checkpoint`.
    public func build(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = configuration
        let graph = GraphBuilder(name: "bert")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let ids = graph.input("input_ids", .int64, ["batch", "tokens"])
        let mask = graph.input("attention_mask", .int64, ["batch", "tokens"])
        let types = graph.input("token_type_ids", .int64, ["batch", "tokens"])
        let epsilon = Float(c.layerNormEps)

        let layout = try SequenceLayout(graph: graph, sequence: ids, hidden: c.hiddenSize, heads: c.numAttentionHeads)
        var hidden = try embeddings(ids: ids, types: types, weights: weights, epsilon: epsilon)
        hidden = layout.flatten(hidden, in: graph)
        let keys = AttentionMask.keyPadding(graph.cast(mask, to: .int32))
        // MiniLM is a search's second query encoder: like CLIP's text tower, it starts faster unpacked.
        let layer = PostNormEncoderLayer(hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize,
                                         activation: c.hiddenAct, layerNormEpsilon: epsilon, projections: .separate)
        for index in 0..<c.numHiddenLayers {
            hidden = try layer(hidden, prefix: "\(prefix)encoder.layer.\(index)", layout: layout, mask: keys, weights: weights)
        }
        let states = layout.unflatten(hidden, in: graph)
        graph.output(states, name: "last_hidden_state", .float, ["batch", "tokens", .fixed(c.hiddenSize)])
        graph.output(meanPooled(states, mask: mask, in: graph), name: "sentence_embedding", .float, ["batch", .fixed(c.hiddenSize)])
        return weights
    }

    /// Word + position + token-type embeddings, layer-normalised: `[batch, tokens, hidden]`.
    private func embeddings(ids: GraphValue, types: GraphValue, weights: CheckpointWeights, epsilon: Float) throws -> GraphValue {
        let c = configuration
        let graph = weights.graph
        let name = "\(prefix)embeddings"
        let words = graph.gather(try weights.float("\(name).word_embeddings.weight", shape: [c.vocabSize, c.hiddenSize]), indices: ids)
        let tokenTypes = graph.gather(try weights.float("\(name).token_type_embeddings.weight", shape: [c.typeVocabSize, c.hiddenSize]), indices: types)
        let table = try weights.float("\(name).position_embeddings.weight", shape: [c.maxPositionEmbeddings, c.hiddenSize])
        let tokens = graph.shape(ids, start: 1, end: 2)
        let positions = graph.op("Slice", table, graph.constant([0]), tokens, graph.constant([0]))
        let sum = graph.add(graph.add(words, tokenTypes), positions)
        return try weights.layerNorm(sum, "\(name).LayerNorm", size: c.hiddenSize, epsilon: epsilon)
    }

    /// Mean of the states where `mask` is 1, L2-normalised: `[batch, hidden]`.
    private func meanPooled(_ states: GraphValue, mask: GraphValue, in graph: GraphBuilder) -> GraphValue {
        let weightsPerToken = graph.unsqueeze(graph.cast(mask, to: .float), axes: [2])
        let summed = graph.reduceSum(graph.mul(states, weightsPerToken), axes: [1], keepDims: false)
        let counts = graph.max(graph.reduceSum(weightsPerToken, axes: [1], keepDims: false), graph.scalar(1e-9))
        return graph.l2Normalize(graph.div(summed, counts))
    }
}
