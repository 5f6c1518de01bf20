import GlimpseRuntime

/// SAM's image encoder (`SamVisionEncoder`: patch embedding, absolute positions, ViT layers with
/// windowed or global attention, convolutional neck) as an ONNX graph.
///
/// Input `pixel_values` `[batch, numChannels, imageSize, imageSize]` (normalised and padded, 1024² for
/// the released checkpoints); output `image_embeddings` `[batch, outputChannels, grid, grid]` with
/// `grid = imageSize / patchSize` (`[1, 256, 64, 64]`).
public struct SAMVisionGraph {
    public let vision: SAMVisionConfiguration
    /// The parts of query rows each global-attention layer computes its scores in, one part at a time
    /// (``SAMMemoryUse``); the result is the same.
    public let globalAttentionChunks: Int

    public init(configuration: SAMConfiguration, globalAttentionChunks: Int = SAMMemoryUse.fastest.globalAttentionChunks) {
        self.init(vision: configuration.visionConfig, globalAttentionChunks: globalAttentionChunks)
    }

    public init(vision: SAMVisionConfiguration, globalAttentionChunks: Int = SAMMemoryUse.fastest.globalAttentionChunks) {
        self.vision = vision
        self.globalAttentionChunks = globalAttentionChunks
    }

    public func build(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = vision
        guard c.imageSize % c.patchSize == 0, c.gridSize > 0 else {
            throw ModelsError.invalidConfiguration(file: "config.json", field: "vision_config.patch_size",
                                                   reason: "image_size \(c.imageSize) is not a multiple of patch_size \(c.patchSize)")
        }
        guard c.numAttentionHeads > 0, c.hiddenSize % c.numAttentionHeads == 0 else {
            throw ModelsError.invalidConfiguration(file: "config.json", field: "vision_config.num_attention_heads",
                                                   reason: "hidden_size \(c.hiddenSize) is not divisible by \(c.numAttentionHeads) heads")
        }
        let graph = GraphBuilder(name: "sam_vision")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let pixels = graph.input("pixel_values", .float, ["batch", .fixed(c.numChannels), .fixed(c.imageSize), .fixed(c.imageSize)])
        let grid = Int64(c.gridSize), hidden = Int64(c.hiddenSize)

        // Patches: a strided convolution with bias, [batch, hidden, grid, grid] → [batch, grid, grid, hidden].
        let kernel = try weights.float("vision_encoder.patch_embed.projection.weight",
                                       shape: [c.hiddenSize, c.numChannels, c.patchSize, c.patchSize])
        let bias = try weights.float("vision_encoder.patch_embed.projection.bias", shape: [c.hiddenSize])
        let patches = graph.op("Conv", pixels, kernel, bias, attributes: [
            "kernel_shape": .ints([c.patchSize, c.patchSize]), "strides": .ints([c.patchSize, c.patchSize]),
        ])
        var tokens = graph.transpose(patches, permutation: [0, 2, 3, 1])
        if c.useAbsPos {
            tokens = graph.add(tokens, try weights.float("vision_encoder.pos_embed", shape: [1, c.gridSize, c.gridSize, c.hiddenSize]))
        }

        var x = graph.reshape(tokens, [-1, hidden])
        for index in 0..<c.numHiddenLayers {
            let layer = SAMVisionLayer(configuration: c, windowSize: c.globalAttnIndexes.contains(index) ? 0 : c.windowSize,
                                       queryChunks: globalAttentionChunks)
            x = try layer(x, prefix: "vision_encoder.layers.\(index)", weights: weights)
        }

        // Neck: 1×1 convolution, LayerNorm2d, 3×3 convolution, LayerNorm2d (no biases; ε = 1e-6 always).
        let image = graph.transpose(graph.reshape(x, [-1, grid, grid, hidden]), permutation: [0, 3, 1, 2])
        let out = c.outputChannels
        let neck = try graph.scope("vision_encoder.neck") {
            let conv1 = graph.op("Conv", image, try weights.float("vision_encoder.neck.conv1.weight", shape: [out, c.hiddenSize, 1, 1]),
                                 attributes: ["kernel_shape": .ints([1, 1])])
            let norm1 = try weights.layerNorm2d(conv1, "vision_encoder.neck.layer_norm1", channels: out, epsilon: 1e-6)
            let conv2 = graph.op("Conv", norm1, try weights.float("vision_encoder.neck.conv2.weight", shape: [out, out, 3, 3]),
                                 attributes: ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])])
            return try weights.layerNorm2d(conv2, "vision_encoder.neck.layer_norm2", channels: out, epsilon: 1e-6)
        }
        graph.output(neck, name: "image_embeddings", .float, ["batch", .fixed(out), .fixed(c.gridSize), .fixed(c.gridSize)])
        return weights
    }
}
