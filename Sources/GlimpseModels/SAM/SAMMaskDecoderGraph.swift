import GlimpseRuntime

/// SAM's prompt encoder and mask decoder (`SamPromptEncoder` + `SamMaskDecoder`) as one ONNX graph that
/// takes a precomputed image embedding and a batch of prompts.
///
/// Inputs:
/// - `image_embeddings` `[batch, hidden, grid, grid]`, from ``SAMVisionGraph`` (computed once per image);
/// - `input_points` `[batch, prompts, points, 2]` (x, y in the `image_size` input frame), boxes as two
///   corner points labelled 2 and 3 (see ``SAMPromptEncoderGraph``);
/// - `input_labels` `[batch, prompts, points]` int64.
///
/// Outputs (`tokens = numMaskTokens`: the single-mask token first, then the multimask ones):
/// - `block_masks` `[batch, prompts, 16 · grid², tokens]`: every mask token's low-resolution logits
///   (`4·grid × 4·grid`, before transformers' `post_process_masks`) with the pixels in the upscaling's
///   block order; ``SAMMaskLayout`` picks the masks wanted and puts them in image order;
/// - `iou_scores_all` `[batch, prompts, tokens]`;
/// - `sparse_prompt_embeddings` `[batch, prompts, points, hidden]`, for checks.
///
/// Automatic mask generation drops most masks by their predicted IoU before looking at them, so it runs
/// the decoder in two graphs instead and upscales only the prompts that have a mask worth measuring:
/// ``Part/tokens`` stops before the upscaling, and ``buildUpscaling(checkpoint:)`` upscales the prompts
/// it is given.
public struct SAMMaskDecoderGraph {
    /// How much of the decoder a graph holds.
    public enum Part: Sendable {
        /// Prompts in, masks and scores out (the outputs above).
        case whole
        /// Prompts in; out `iou_scores_all`, each prompt's transformed image cells `image_state`
        /// `[batch, prompts, grid², hidden]` and hypernetwork weights `hyper_weights`
        /// `[batch·prompts, tokens, hidden / 8]`, the inputs of ``SAMMaskDecoderGraph/buildUpscaling(checkpoint:)``.
        case tokens
    }


    public let configuration: SAMConfiguration

    public init(configuration: SAMConfiguration) {
        self.configuration = configuration
    }

    public func build(checkpoint: SafeTensorsCheckpoint, part: Part = .whole) throws -> CheckpointWeights {
        let c = configuration.maskDecoderConfig
        let grid = configuration.promptEncoderConfig.imageEmbeddingSize
        let hidden = c.hiddenSize
        try validate()
        let graph = GraphBuilder(name: "sam_mask_decoder")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let image = graph.input("image_embeddings", .float, ["batch", .fixed(hidden), .fixed(grid), .fixed(grid)])
        let points = graph.input("input_points", .float, ["batch", "prompts", "points", 2])
        let labels = graph.input("input_labels", .int64, ["batch", "prompts", "points"])

        let prompts = SAMPromptEncoderGraph(configuration: configuration)
        let sparse = try graph.scope("prompt_encoder") { try prompts.sparseEmbeddings(points: points, labels: labels, weights: weights) }
        let imagePositions = try graph.scope("image_positions") { try prompts.imagePositionalEmbeddings(weights: weights) }

        // Output tokens (IoU, then one per mask) in front of the prompt tokens: [batch, prompts, tokens, hidden].
        let outputTokens = graph.concat([
            try weights.float("mask_decoder.iou_token.weight", shape: [1, hidden]),
            try weights.float("mask_decoder.mask_tokens.weight", shape: [c.numMaskTokens, hidden]),
        ], axis: 0)
        let batchAndPrompts = graph.shape(points, start: 0, end: 2)
        let tokensShape = graph.concat([batchAndPrompts, graph.constant([Int64(c.numMaskTokens + 1), Int64(hidden)])], axis: 0)
        let tokens4 = graph.concat([graph.op("Expand", outputTokens, tokensShape), sparse], axis: 2)
        let tokens = graph.reshape(tokens4, shape: graph.concat([graph.constant([-1]), graph.shape(tokens4, start: 2)], axis: 0))

        // The image embedding plus the no-mask dense embedding, channels last, shared by the image's prompts: [batch, cells, hidden].
        let dense = graph.add(image, try prompts.noMaskEmbedding(weights: weights))
        let perImage = graph.transpose(graph.reshape(dense, [-1, Int64(hidden), Int64(grid * grid)]), permutation: [0, 2, 1])
        let dimensions = SAMTwoWayTransformer.Dimensions(batch: graph.shape(points, start: 0, end: 1), prompts: graph.shape(points, start: 1, end: 2),
                                                         tokens: graph.shape(tokens4, start: 2, end: 3))

        let state = try SAMTwoWayTransformer(configuration: c)(
            pointEmbeddings: graph.reshape(tokens, [-1, Int64(hidden)]), tokens: tokens, image: perImage, cellCount: grid * grid,
            imagePositions: imagePositions, dimensions: dimensions, outputTokens: c.numMaskTokens + 1, weights: weights)

        let heads = SAMMaskHeads(configuration: c, grid: grid)
        let cells = grid * grid
        let scores: GraphValue
        switch part {
        case .whole:
            let (masks, allScores) = try graph.scope("mask_decoder.heads") {
                try heads(queries: state.queries, keys: state.keys, weights: weights)
            }
            scores = allScores
            graph.output(masks, name: "block_masks", .float,
                         ["batch", "prompts", .fixed(16 * cells), .fixed(c.numMaskTokens)])
        case .tokens:
            let (hyper, allScores) = try graph.scope("mask_decoder.heads") { try heads.tokenHeads(queries: state.queries, weights: weights) }
            scores = allScores
            // The transformer's own result, not a reshaped view of it: a graph output that is a view is a copy.
            graph.output(state.keys, name: "image_state", .float, ["batch", "prompts", .fixed(cells), .fixed(hidden)])
            graph.output(hyper, name: "hyper_weights", .float, ["rows", .fixed(c.numMaskTokens), .fixed(hidden / 8)])
        }
        let allScores = graph.reshape(scores, shape: graph.concat([batchAndPrompts, graph.constant([Int64(c.numMaskTokens)])], axis: 0))
        graph.output(allScores, name: "iou_scores_all", .float, ["batch", "prompts", .fixed(c.numMaskTokens)])
        graph.output(sparse, name: "sparse_prompt_embeddings", .float, ["batch", "prompts", "points", .fixed(hidden)])
        return weights
    }

    /// The upscaling and mask product for some prompts of a ``Part/tokens`` run: inputs `image_state`
    /// and `hyper_weights` as that graph returns them and `prompts` `[picked]` (int64, rows to upscale);
    /// output `block_masks` `[1, picked, 16 · grid², tokens]` as the whole graph has them.
    public func buildUpscaling(checkpoint: SafeTensorsCheckpoint) throws -> CheckpointWeights {
        let c = configuration.maskDecoderConfig
        let grid = configuration.promptEncoderConfig.imageEmbeddingSize, cells = grid * grid
        try validate()
        let graph = GraphBuilder(name: "sam_mask_upscaling")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let state = graph.input("image_state", .float, [1, "prompts", .fixed(cells), .fixed(c.hiddenSize)])
        let hyper = graph.input("hyper_weights", .float, ["rows", .fixed(c.numMaskTokens), .fixed(c.hiddenSize / 8)])
        let prompts = graph.input("prompts", .int64, ["picked"])
        let keys = graph.gather(state, indices: prompts, axis: 1)
        let picked = graph.unsqueeze(graph.gather(hyper, indices: prompts), axes: [0])
        let masks = try graph.scope("mask_decoder.heads") {
            try SAMMaskHeads(configuration: c, grid: grid).masks(keys: keys, hyperWeights: picked, weights: weights)
        }
        graph.output(masks, name: "block_masks", .float, [1, "picked", .fixed(16 * cells), .fixed(c.numMaskTokens)])
        return weights
    }

    private func validate() throws {
        let c = configuration.maskDecoderConfig
        let prompt = configuration.promptEncoderConfig
        let problems: [(String, Bool, String)] = [
            ("mask_decoder_config.hidden_size", prompt.hiddenSize == c.hiddenSize,
             "the prompt encoder's hidden_size \(prompt.hiddenSize) differs from the mask decoder's \(c.hiddenSize)"),
            ("vision_config.output_channels", configuration.visionConfig.outputChannels == c.hiddenSize,
             "the image embedding has \(configuration.visionConfig.outputChannels) channels, the mask decoder expects \(c.hiddenSize)"),
            ("mask_decoder_config.num_attention_heads",
             c.numAttentionHeads > 0 && c.attentionDownsampleRate > 0 && (c.hiddenSize / c.attentionDownsampleRate) % c.numAttentionHeads == 0,
             "num_attention_heads must divide hidden_size / attention_downsample_rate"),
            ("mask_decoder_config.hidden_size", c.hiddenSize % 8 == 0, "hidden_size \(c.hiddenSize) must be a multiple of 8 (upscaling)"),
            ("mask_decoder_config.iou_head_depth", c.iouHeadDepth >= 2, "iou_head_depth must be at least 2"),
        ]
        for (field, ok, reason) in problems where !ok {
            throw ModelsError.invalidConfiguration(file: "config.json", field: field, reason: reason)
        }
    }
}
