import GlimpseRuntime

/// The output heads of SAM's mask decoder (`SamMaskDecoder` after the two-way transformer):
///
/// - the image cells are upscaled 4× (`ConvTranspose 2×2/2` → LayerNorm2d → GELU → `ConvTranspose 2×2/2`
///   → GELU) to `hidden / 8` channels;
/// - each mask token goes through its own hypernetwork MLP (`SamFeedForward`, 3 layers, ReLU) to
///   `hidden / 8` weights, whose dot product with every upscaled cell is that mask's logit;
/// - the IoU token goes through the IoU MLP (`iou_head_depth` layers) to one score per mask token.
///
/// The upscaling stays channels last. A 2×2 transposed convolution with stride 2 writes each input
/// cell's own 2×2 block of outputs, so it is one matrix product per cell: `[cells, in] × [in, 2·2·out]`,
/// columns ordered (row in block, column in block, channel). LayerNorm2d then normalises the last axis
/// of `[cells·4, out]`, the second convolution is again one product, and the masks are the products of
/// the upscaled rows with the hypernetwork weights. The masks come out in the blocks' order; putting
/// them in image order is left to ``SAMMaskLayout`` (Swift), which does it while picking the masks
/// wanted, cheaper than a transpose in the graph.
struct SAMMaskHeads {
    let configuration: SAMMaskDecoderConfiguration
    /// Side of the image embedding grid.
    let grid: Int

    /// - Parameters:
    ///   - queries: the transformer's output tokens, `[rows·(1 + maskTokens), hidden]` (IoU token first, then mask tokens).
    ///   - keys: the transformer's image cells, channels last, `[batch, prompts, grid·grid, hidden]` (rows = batch·prompts).
    /// - Returns: mask logits `[batch, prompts, 16·grid·grid, maskTokens]` in block order (``SAMMaskLayout``) and IoU scores `[rows, maskTokens]`.
    func callAsFunction(queries: GraphValue, keys: GraphValue, weights: CheckpointWeights) throws -> (masks: GraphValue, scores: GraphValue) {
        let (hyper, scores) = try tokenHeads(queries: queries, weights: weights)
        let graph = weights.graph
        let hyperWeights = graph.reshape(hyper, shape: graph.concat([
            graph.shape(keys, start: 0, end: 2), graph.constant([Int64(configuration.numMaskTokens), Int64(configuration.hiddenSize / 8)])], axis: 0))
        return (try masks(keys: keys, hyperWeights: hyperWeights, weights: weights), scores)
    }

    /// The heads on the output tokens alone: each mask token's hypernetwork weights `[rows, maskTokens, hidden / 8]`
    /// and the IoU scores `[rows, maskTokens]`.
    func tokenHeads(queries: GraphValue, weights: CheckpointWeights) throws -> (hyper: GraphValue, scores: GraphValue) {
        let c = configuration, graph = weights.graph
        let hidden = c.hiddenSize, maskTokens = c.numMaskTokens, eighth = hidden / 8
        let prefix = "mask_decoder"
        let sequence = graph.reshape(queries, [-1, Int64(1 + maskTokens), Int64(hidden)])  // [rows, tokens, hidden]
        let iouToken = graph.reshape(graph.slice(sequence, starts: [0], ends: [1], axes: [1]), [-1, Int64(hidden)])
        var hyper: [GraphValue] = []
        for index in 0..<maskTokens {
            let token = graph.reshape(graph.slice(sequence, starts: [Int64(1 + index)], ends: [Int64(2 + index)], axes: [1]), [-1, Int64(hidden)])
            let out = try feedForward(token, "\(prefix).output_hypernetworks_mlps.\(index)", input: hidden, hiddenDim: hidden,
                                      output: eighth, layers: 3, weights: weights)
            hyper.append(graph.unsqueeze(out, axes: [1]))
        }
        let scores = try feedForward(iouToken, "\(prefix).iou_prediction_head", input: hidden, hiddenDim: c.iouHeadHiddenDim,
                                     output: maskTokens, layers: c.iouHeadDepth, weights: weights)
        return (graph.concat(hyper, axis: 1), scores)
    }

    /// The image cells upscaled and multiplied by the hypernetwork weights.
    ///
    /// - Parameters:
    ///   - keys: image cells `[batch, prompts, grid·grid, hidden]`.
    ///   - hyperWeights: `[batch, prompts, maskTokens, hidden / 8]`.
    /// - Returns: mask logits `[batch, prompts, 16·grid·grid, maskTokens]`, pixels in block order (y, x, i, j, i2, j2).
    func masks(keys: GraphValue, hyperWeights: GraphValue, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph, hidden = configuration.hiddenSize
        let prefix = "mask_decoder"
        // Upscaling: [rows·cells, hidden] → [rows·cells·16, hidden / 8], rows of each cell ordered (i, j, i2, j2).
        let g = Int64(grid), quarter = hidden / 4, eighth = hidden / 8
        let cells = graph.reshape(keys, [-1, Int64(hidden)])
        let up1 = try blockConvolution(cells, "\(prefix).upscale_conv1", input: hidden, output: quarter, weights: weights)
        let normed = try weights.layerNorm(graph.reshape(up1, [-1, Int64(quarter)]), "\(prefix).upscale_layer_norm", size: quarter, epsilon: 1e-6)
        let up2 = try blockConvolution(graph.op("Gelu", normed, domain: "com.microsoft"), "\(prefix).upscale_conv2",
                                       input: quarter, output: eighth, weights: weights)
        // [batch, prompts, cells·16, hidden / 8], so the masks' product has the graph output's shape.
        let upscaled = graph.reshape(graph.op("Gelu", up2, domain: "com.microsoft"), shape: graph.concat([
            graph.shape(keys, start: 0, end: 2), graph.constant([16 * g * g, Int64(eighth)])], axis: 0))
        return graph.op("FusedMatMul", upscaled, hyperWeights, attributes: ["transB": 1], domain: "com.microsoft")
    }

    /// `nn.ConvTranspose2d(input, output, kernel_size=2, stride=2)` with bias (weight `[input, output, 2, 2]`)
    /// on channels-last cells: `[cells, input]` → `[cells, 2·2·output]`, columns ordered (i, j, channel)
    /// for the output pixel `(2y + i, 2x + j)`.
    private func blockConvolution(_ x: GraphValue, _ prefix: String, input: Int, output: Int, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let kernel = try weights.float("\(prefix).weight", shape: [input, output, 2, 2])
        let matrix = graph.reshape(graph.transpose(kernel, permutation: [0, 2, 3, 1]), [Int64(input), Int64(4 * output)])
        let bias = graph.op("Tile", try weights.float("\(prefix).bias", shape: [output]), graph.constant([4]))
        return graph.gemm(x, matrix, bias)
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
