import GlimpseRuntime

/// CLIP's vision tower and projection (`CLIPModel.get_image_features`, then L2 normalisation) as an ONNX graph.
///
/// Input `pixel_values` `[batch, channels, imageSize, imageSize]`; output `image_embeds` `[batch, projectionDim]`.
public struct CLIPVisionGraph {
    public let vision: CLIPVisionConfiguration
    public let projectionDim: Int

    public init(configuration: CLIPConfiguration) {
        vision = configuration.visionConfig
        projectionDim = configuration.projectionDim
    }

    public func build(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = vision
        guard c.numHiddenLayers > 0 else {
            throw ModelsError.invalidConfiguration(file: "config.json", field: "vision_config.num_hidden_layers",
                                                   reason: "the vision tower needs at least one layer")
        }
        let graph = GraphBuilder(name: "clip_vision")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let pixels = graph.input("pixel_values", .float, ["batch", .fixed(c.numChannels), .fixed(c.imageSize), .fixed(c.imageSize)])
        let epsilon = Float(c.layerNormEps)

        // Patches: a strided convolution, [batch, hidden, rows, columns] → [batch, patches, hidden].
        let kernel = try weights.float("vision_model.embeddings.patch_embedding.weight",
                                       shape: [c.hiddenSize, c.numChannels, c.patchSize, c.patchSize])
        let patches = graph.op("Conv", pixels, kernel, attributes: [
            "kernel_shape": .ints([c.patchSize, c.patchSize]), "strides": .ints([c.patchSize, c.patchSize]),
        ])
        let sequence = graph.transpose(graph.reshape(patches, [0, Int64(c.hiddenSize), -1]), permutation: [0, 2, 1])

        // A class token in front of the patches, then the learned positions.
        let classToken = graph.reshape(try weights.float("vision_model.embeddings.class_embedding", shape: [c.hiddenSize]),
                                       [1, 1, Int64(c.hiddenSize)])
        let classShape = graph.concat([graph.shape(pixels, start: 0, end: 1), graph.constant([1, Int64(c.hiddenSize)])], axis: 0)
        let tokens = graph.concat([graph.op("Expand", classToken, classShape), sequence], axis: 1)
        let positions = try weights.float("vision_model.embeddings.position_embedding.weight", shape: [c.numPositions, c.hiddenSize])
        let embedded = graph.add(tokens, positions)

        let layout = try SequenceLayout(graph: graph, sequence: embedded, hidden: c.hiddenSize, heads: c.numAttentionHeads)
        var hidden = try weights.layerNorm(layout.flatten(embedded, in: graph), "vision_model.pre_layrnorm",
                                           size: c.hiddenSize, epsilon: epsilon)
        let layer = PreNormEncoderLayer(hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize,
                                        activation: c.hiddenAct, layerNormEpsilon: epsilon)
        for index in 0..<(c.numHiddenLayers - 1) {
            hidden = try layer(hidden, prefix: "vision_model.encoder.layers.\(index)", layout: layout, weights: weights)
        }

        // Only the class token's final state is used: the last layer computes it alone (its keys and values
        // from every token), about 7 % of the tower's work less at ViT-B/32's 50 tokens. Then normalised and projected.
        let last = "vision_model.encoder.layers.\(c.numHiddenLayers - 1)"
        let classState = try layer.pooled(hidden, token: .first, prefix: last, layout: layout, weights: weights)
        let pooled = try weights.layerNorm(classState, "vision_model.post_layernorm", size: c.hiddenSize, epsilon: epsilon)
        let features = try weights.linear(pooled, "visual_projection", input: c.hiddenSize, output: projectionDim, bias: false)
        graph.output(graph.l2Normalize(features), name: "image_embeds", .float, ["batch", .fixed(projectionDim)])
        return weights
    }
}
