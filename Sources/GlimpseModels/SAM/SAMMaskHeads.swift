import GlimpseRuntime

/// The output heads of SAM's mask decoder (`SamMaskDecoder` after the two-way transformer):
///
/// - the image cells are upscaled 4× (`ConvTranspose 2×2/2` → LayerNorm2d → GELU → `ConvTranspose 2×2/2`
///   → GELU) to `hidden / 8` channels;
/// - each mask token goes through its own hypernetwork MLP (`SamFeedForward`, 3 layers, ReLU) to
///   `hidden / 8` weights, whose dot product with every upscaled cell is that mask's logit;
/// - the IoU token goes through the IoU MLP (`iou_head_depth` layers) to one score per mask token.
struct SAMMaskHeads {
    let configuration: SAMMaskDecoderConfiguration
    /// Side of the image embedding grid.
    let grid: Int

    /// - Parameters:
    ///   - queries: the transformer's tokens, `[rows·tokens, hidden]` (IoU token first, then mask tokens).
    ///   - keys: the transformer's image cells, `[rows·grid·grid, hidden]`.
    ///   - tokenCount: a `[rows, tokens, hidden]` tensor giving the token layout.
    /// - Returns: mask logits `[rows, maskTokens, 16·grid·grid]` and IoU scores `[rows, maskTokens]`.
    func callAsFunction(
        queries: GraphValue, keys: GraphValue, tokenCount tokens: GraphValue, weights: CheckpointWeights
    ) throws -> (masks: GraphValue, scores: GraphValue) {
        let c = configuration, graph = weights.graph
        let hidden = c.hiddenSize, maskTokens = c.numMaskTokens
        let prefix = "mask_decoder"
        let sequence = graph.reshape(queries, shape: graph.shape(tokens))  // [rows, tokens, hidden]
        let iouToken = graph.reshape(graph.slice(sequence, starts: [0], ends: [1], axes: [1]), [-1, Int64(hidden)])

        // Upscaling: [rows, hidden, grid, grid] → [rows, hidden / 8, 4·grid, 4·grid].
        let g = Int64(grid)
        let image = graph.reshape(graph.transpose(graph.reshape(keys, [-1, g * g, Int64(hidden)]), permutation: [0, 2, 1]),
                                  [-1, Int64(hidden), g, g])
        let up1 = try convTranspose(image, "\(prefix).upscale_conv1", input: hidden, output: hidden / 4, weights: weights)
        let normed = try weights.layerNorm2d(up1, "\(prefix).upscale_layer_norm", channels: hidden / 4, epsilon: 1e-6)
        let up2 = try convTranspose(graph.gelu(normed), "\(prefix).upscale_conv2", input: hidden / 4, output: hidden / 8, weights: weights)
        let upscaled = graph.reshape(graph.gelu(up2), [-1, Int64(hidden / 8), 16 * g * g])

        // One hypernetwork per mask token: [rows, maskTokens, hidden / 8].
        var hyper: [GraphValue] = []
        for index in 0..<maskTokens {
            let token = graph.reshape(graph.slice(sequence, starts: [Int64(1 + index)], ends: [Int64(2 + index)], axes: [1]), [-1, Int64(hidden)])
            let out = try feedForward(token, "\(prefix).output_hypernetworks_mlps.\(index)", input: hidden, hiddenDim: hidden,
                                      output: hidden / 8, layers: 3, weights: weights)
            hyper.append(graph.unsqueeze(out, axes: [1]))
        }
        let masks = graph.matMul(graph.concat(hyper, axis: 1), upscaled)

        let scores = try feedForward(iouToken, "\(prefix).iou_prediction_head", input: hidden, hiddenDim: c.iouHeadHiddenDim,
                                     output: maskTokens, layers: c.iouHeadDepth, weights: weights)
        return (masks, scores)
    }

    /// `nn.ConvTranspose2d(input, output, kernel_size=2, stride=2)` with bias (weight `[input, output, 2, 2]`).
    private func convTranspose(_ x: GraphValue, _ prefix: String, input: Int, output: Int, weights: CheckpointWeights) throws -> GraphValue {
        weights.graph.op("ConvTranspose", x, try weights.float("\(prefix).weight", shape: [input, output, 2, 2]),
                         try weights.float("\(prefix).bias", shape: [output]),
                         attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])])
    }

    /// `SamFeedForward`: `proj_in`, `layers − 2` hidden `layers.i`, `proj_out`, ReLU between them.
    ///
    /// - Parameter x: `[rows, input]`.
    /// - Returns: `[rows, output]`.
    private func feedForward(
        _ x: GraphValue, _ prefix: String, input: Int, hiddenDim: Int, output: Int, layers: Int, weights: CheckpointWeights
    ) throws -> GraphValue {
        let graph = weights.graph
        var h = graph.relu(try weights.linear(x, "\(prefix).proj_in", input: input, output: hiddenDim))
        for index in 0..<max(0, layers - 2) {
            h = graph.relu(try weights.linear(h, "\(prefix).layers.\(index)", input: hiddenDim, output: hiddenDim))
        }
        return try weights.linear(h, "\(prefix).proj_out", input: hiddenDim, output: output)
    }
}
