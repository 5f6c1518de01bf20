import GlimpseRuntime

/// BLIP's vision transformer (`BlipVisionModel`) as an ONNX graph: the image embeddings the captioning
/// decoder cross-attends to.
///
/// Input `pixel_values` `[batch, 3, imageSize, imageSize]`; output `image_embeds`
/// `[batch, 1 + patches, hidden]` (`[batch, 577, 768]` for the base model): the post-LayerNorm states
/// of every token, class token first — `BlipVisionModel`'s `last_hidden_state`.
///
/// Differences from CLIP's tower that this graph reproduces: no pre-LayerNorm, a patch convolution
/// with bias, `class_embedding` `[1, 1, hidden]` and `position_embedding` `[1, positions, hidden]` stored
/// as plain parameters, and attention through one fused `self_attn.qkv` `[3·hidden, hidden]` projection
/// followed by `self_attn.projection`.
public struct BLIPVisionGraph {
    public let vision: BLIPVisionConfiguration

    public init(configuration: BLIPConfiguration) {
        vision = configuration.visionConfig
    }

    /// Builds the graph; its weights are lent from `checkpoint` (names under `vision_model.`).
    public func build(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = vision
        let graph = GraphBuilder(name: "blip_vision")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let pixels = graph.input("pixel_values", .float, ["batch", 3, .fixed(c.imageSize), .fixed(c.imageSize)])
        let epsilon = Float(c.layerNormEps)
        let hiddenSize = Int64(c.hiddenSize)

        // Patches: a strided convolution with bias, [batch, hidden, rows, columns] → [batch, patches, hidden].
        let kernel = try weights.float("vision_model.embeddings.patch_embedding.weight",
                                       shape: [c.hiddenSize, 3, c.patchSize, c.patchSize])
        let kernelBias = try weights.float("vision_model.embeddings.patch_embedding.bias", shape: [c.hiddenSize])
        let patches = graph.op("Conv", pixels, kernel, kernelBias, attributes: [
            "kernel_shape": .ints([c.patchSize, c.patchSize]), "strides": .ints([c.patchSize, c.patchSize]),
        ])
        let sequence = graph.transpose(graph.reshape(patches, [0, hiddenSize, -1]), permutation: [0, 2, 1])

        // The class token in front of the patches, then the learned positions `[1, positions, hidden]`.
        let classToken = try weights.float("vision_model.embeddings.class_embedding", shape: [1, 1, c.hiddenSize])
        let classShape = graph.concat([graph.shape(pixels, start: 0, end: 1), graph.constant([1, hiddenSize])], axis: 0)
        let tokens = graph.concat([graph.op("Expand", classToken, classShape), sequence], axis: 1)
        let positions = try weights.float("vision_model.embeddings.position_embedding", shape: [1, c.numPositions, c.hiddenSize])
        let embedded = graph.add(tokens, positions)

        let layout = try SequenceLayout(graph: graph, sequence: embedded, hidden: c.hiddenSize, heads: c.numAttentionHeads)
        var hidden = layout.flatten(embedded, in: graph)
        for index in 0..<c.numHiddenLayers {
            hidden = try encoderLayer(hidden, prefix: "vision_model.encoder.layers.\(index)", layout: layout, weights: weights)
        }
        let normed = try weights.layerNorm(hidden, "vision_model.post_layernorm", size: c.hiddenSize, epsilon: epsilon)
        graph.output(layout.unflatten(normed, in: graph), name: "image_embeds", .float,
                     ["batch", .fixed(c.numPositions), .fixed(c.hiddenSize)])
        return weights
    }

    /// One `BlipEncoderLayer` (pre-LayerNorm) on flat `[batch·tokens, hidden]` activations:
    ///
    ///     x = x + projection(attention(qkv(layer_norm1(x))))
    ///     x = x + fc2(act(fc1(layer_norm2(x))))
    func encoderLayer(_ x: GraphValue, prefix: String, layout: SequenceLayout, weights: CheckpointWeights) throws -> GraphValue {
        let c = vision
        let graph = weights.graph
        let epsilon = Float(c.layerNormEps)
        return try graph.scope(prefix) {
            let normed = try weights.layerNorm(x, "\(prefix).layer_norm1", size: c.hiddenSize, epsilon: epsilon)
            let attention = try fusedAttention(normed, prefix: "\(prefix).self_attn", layout: layout, weights: weights)
            let afterAttention = graph.add(x, attention)
            let normed2 = try weights.layerNorm(afterAttention, "\(prefix).layer_norm2", size: c.hiddenSize, epsilon: epsilon)
            let up = try weights.linear(normed2, "\(prefix).mlp.fc1", input: c.hiddenSize, output: c.intermediateSize)
            let down = try weights.linear(try c.hiddenAct.apply(up, in: graph), "\(prefix).mlp.fc2",
                                          input: c.intermediateSize, output: c.hiddenSize)
            return graph.add(afterAttention, down)
        }
    }

    /// `BlipAttention`: the query, key and value rows of the stored `qkv` `[3·hidden, hidden]` projection as
    /// three Gemms (each on its rows where they are stored: no copy), scaled dot-product
    /// attention without a mask in one `com.microsoft.MultiHeadAttention` node, then `projection`. The
    /// fused node spares the split, the transposes and the score tensor of the plain form: about 4 % of the
    /// vision pass (BENCHMARKS.md).
    private func fusedAttention(_ x: GraphValue, prefix: String, layout: SequenceLayout, weights: CheckpointWeights) throws -> GraphValue {
        let c = vision
        let graph = weights.graph
        let width = c.hiddenSize
        func project(_ part: Int) throws -> GraphValue {
            let rows = part * width..<(part + 1) * width
            let weight = try weights.float("\(prefix).qkv.weight", rows: rows, shape: [3 * width, width])
            let bias = try weights.float("\(prefix).qkv.bias", rows: rows, shape: [3 * width])
            return layout.unflatten(graph.gemm(x, weight, bias, transB: true), in: graph)
        }
        let attended = graph.op("MultiHeadAttention", try project(0), try project(1), try project(2),
                                attributes: ["num_heads": .int(c.numAttentionHeads)], domain: "com.microsoft")
        let context = layout.flatten(attended, in: graph)
        return try weights.linear(context, "\(prefix).projection", input: c.hiddenSize, output: c.hiddenSize)
    }
}
