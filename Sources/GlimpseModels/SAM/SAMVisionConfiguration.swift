import Foundation

/// SAM's image encoder (`vision_config`, transformers' `SamVisionConfig`): a ViT with windowed
/// attention in most layers, global attention in `globalAttnIndexes`, and a convolutional neck.
///
/// Input `pixel_values` `[batch, numChannels, imageSize, imageSize]` (1024², padded); patch tokens
/// `[batch, imageSize / patchSize, imageSize / patchSize, hiddenSize]`; output image embeddings
/// `[batch, outputChannels, imageSize / patchSize, imageSize / patchSize]` (`[1, 256, 64, 64]`).
public struct SAMVisionConfiguration: Codable, Sendable, Hashable {
    public var hiddenSize: Int
    /// Channels of the neck's output, the image embedding the mask decoder reads.
    public var outputChannels: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numChannels: Int
    public var imageSize: Int
    /// `patch_embed.projection` is a convolution with weight `[hiddenSize, numChannels, patchSize, patchSize]`.
    public var patchSize: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double
    public var attentionDropout: Double
    public var initializerRange: Double
    /// Whether the attention's `qkv` linear has a bias.
    public var qkvBias: Bool
    /// Ratio used to derive `mlpDim` when the file gives none.
    public var mlpRatio: Double
    /// Whether a learned absolute position embedding `[1, grid, grid, hiddenSize]` is added.
    public var useAbsPos: Bool
    /// Whether attention adds decomposed relative positions (`rel_pos_h`, `rel_pos_w`).
    public var useRelPos: Bool
    /// Side of the attention windows, in patches, for the layers not in `globalAttnIndexes`.
    public var windowSize: Int
    /// Layers (0-based) that attend over the whole grid instead of windows.
    public var globalAttnIndexes: [Int]
    /// Half the width of the random Fourier features of the shared positional embedding
    /// (`positional_embedding` `[2, numPosFeats]`).
    public var numPosFeats: Int
    /// Width of the MLP in each layer: `lin1` is `[mlpDim, hiddenSize]`.
    public var mlpDim: Int

    /// Builds a configuration; `mlpDim: nil` means `Int(Double(hiddenSize) * mlpRatio)`, as in
    /// transformers.
    public init(
        hiddenSize: Int = 768,
        outputChannels: Int = 256,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 12,
        numChannels: Int = 3,
        imageSize: Int = 1024,
        patchSize: Int = 16,
        hiddenAct: HiddenActivation = .gelu,
        layerNormEps: Double = 1e-6,
        attentionDropout: Double = 0.0,
        initializerRange: Double = 1e-10,
        qkvBias: Bool = true,
        mlpRatio: Double = 4.0,
        useAbsPos: Bool = true,
        useRelPos: Bool = true,
        windowSize: Int = 14,
        globalAttnIndexes: [Int] = [2, 5, 8, 11],
        numPosFeats: Int = 128,
        mlpDim: Int? = nil
    ) {
        self.hiddenSize = hiddenSize
        self.outputChannels = outputChannels
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numChannels = numChannels
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.attentionDropout = attentionDropout
        self.initializerRange = initializerRange
        self.qkvBias = qkvBias
        self.mlpRatio = mlpRatio
        self.useAbsPos = useAbsPos
        self.useRelPos = useRelPos
        self.windowSize = windowSize
        self.globalAttnIndexes = globalAttnIndexes
        self.numPosFeats = numPosFeats
        // Python's int() truncates toward zero, as Int(_: Double) does.
        self.mlpDim = mlpDim ?? Int(Double(hiddenSize) * mlpRatio)
    }

    /// Width of one attention head, `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / numAttentionHeads }
    /// Side of the patch grid, `imageSize / patchSize` (64 for the defaults).
    public var gridSize: Int { imageSize / patchSize }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case outputChannels = "output_channels"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels"
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range"
        case qkvBias = "qkv_bias"
        case mlpRatio = "mlp_ratio"
        case useAbsPos = "use_abs_pos"
        case useRelPos = "use_rel_pos"
        case windowSize = "window_size"
        case globalAttnIndexes = "global_attn_indexes"
        case numPosFeats = "num_pos_feats"
        case mlpDim = "mlp_dim"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SAMVisionConfiguration()
        self.init(
            hiddenSize: try c.value(.hiddenSize, or: d.hiddenSize),
            outputChannels: try c.value(.outputChannels, or: d.outputChannels),
            numHiddenLayers: try c.value(.numHiddenLayers, or: d.numHiddenLayers),
            numAttentionHeads: try c.value(.numAttentionHeads, or: d.numAttentionHeads),
            numChannels: try c.value(.numChannels, or: d.numChannels),
            imageSize: try c.value(.imageSize, or: d.imageSize),
            patchSize: try c.value(.patchSize, or: d.patchSize),
            hiddenAct: try c.value(.hiddenAct, or: d.hiddenAct),
            layerNormEps: try c.value(.layerNormEps, or: d.layerNormEps),
            attentionDropout: try c.value(.attentionDropout, or: d.attentionDropout),
            initializerRange: try c.value(.initializerRange, or: d.initializerRange),
            qkvBias: try c.value(.qkvBias, or: d.qkvBias),
            mlpRatio: try c.value(.mlpRatio, or: d.mlpRatio),
            useAbsPos: try c.value(.useAbsPos, or: d.useAbsPos),
            useRelPos: try c.value(.useRelPos, or: d.useRelPos),
            windowSize: try c.value(.windowSize, or: d.windowSize),
            globalAttnIndexes: try c.value(.globalAttnIndexes, or: d.globalAttnIndexes),
            numPosFeats: try c.value(.numPosFeats, or: d.numPosFeats),
            mlpDim: try c.optionalValue(Int.self, .mlpDim))
    }
}
