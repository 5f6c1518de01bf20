import Foundation

/// A SAM checkpoint's `config.json` (`model_type: "sam"`), as transformers 4.46.3's `SamConfig` reads
/// it. The defaults are facebook/sam-vit-base.
///
/// transformers quirks this type reproduces:
/// - `vision_config`, `prompt_encoder_config`, `mask_decoder_config` that are absent, `null` or `{}` mean
///   all defaults.
/// - `prompt_encoder_config.image_embedding_size` is always `image_size / patch_size` of the prompt
///   encoder config, whatever the file says (it is a computed property here).
/// - `vision_config.mlp_dim` that is absent or `null` is `Int(Double(hidden_size) * mlp_ratio)`.
/// - The prompt encoder's `image_size`/`patch_size` are separate from the vision config's; transformers
///   does not keep them in step.
public struct SAMConfiguration: HubConfigurationFile, Codable, Hashable {
    public static let defaultFileName = "config.json"

    public var visionConfig: SAMVisionConfiguration
    public var promptEncoderConfig: SAMPromptEncoderConfiguration
    public var maskDecoderConfig: SAMMaskDecoderConfiguration
    public var initializerRange: Double
    /// The classes the weights were saved from, e.g. `["SamModel"]`.
    public var architectures: [String]?
    /// The dtype the weights were saved in, e.g. `"float32"`.
    public var torchDtype: String?

    public init(
        visionConfig: SAMVisionConfiguration = SAMVisionConfiguration(),
        promptEncoderConfig: SAMPromptEncoderConfiguration = SAMPromptEncoderConfiguration(),
        maskDecoderConfig: SAMMaskDecoderConfiguration = SAMMaskDecoderConfiguration(),
        initializerRange: Double = 0.02,
        architectures: [String]? = nil,
        torchDtype: String? = nil
    ) {
        self.visionConfig = visionConfig
        self.promptEncoderConfig = promptEncoderConfig
        self.maskDecoderConfig = maskDecoderConfig
        self.initializerRange = initializerRange
        self.architectures = architectures
        self.torchDtype = torchDtype
    }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case visionConfig = "vision_config"
        case promptEncoderConfig = "prompt_encoder_config"
        case maskDecoderConfig = "mask_decoder_config"
        case initializerRange = "initializer_range"
        case architectures
        case torchDtype = "torch_dtype"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.checkModelType(.modelType, expected: ModelType.sam.rawValue)
        let d = SAMConfiguration()
        visionConfig = try c.value(.visionConfig, or: d.visionConfig)
        promptEncoderConfig = try c.value(.promptEncoderConfig, or: d.promptEncoderConfig)
        maskDecoderConfig = try c.value(.maskDecoderConfig, or: d.maskDecoderConfig)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        architectures = try c.optionalValue([String].self, .architectures)
        torchDtype = try c.optionalValue(String.self, .torchDtype)
    }

    /// Writes `model_type` and every modelled field.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ModelType.sam.rawValue, forKey: .modelType)
        try c.encode(visionConfig, forKey: .visionConfig)
        try c.encode(promptEncoderConfig, forKey: .promptEncoderConfig)
        try c.encode(maskDecoderConfig, forKey: .maskDecoderConfig)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encodeIfPresent(architectures, forKey: .architectures)
        try c.encodeIfPresent(torchDtype, forKey: .torchDtype)
    }
}

/// SAM's prompt encoder (`prompt_encoder_config`, transformers' `SamPromptEncoderConfig`).
///
/// Points `[batch, pointBatch, points, 2]` and boxes become sparse embeddings
/// `[batch, pointBatch, prompts, hiddenSize]`; a mask prompt (or the learned "no mask" embedding) becomes
/// the dense embedding `[batch, hiddenSize, imageEmbeddingSize, imageEmbeddingSize]`.
public struct SAMPromptEncoderConfiguration: Codable, Sendable, Hashable {
    public var hiddenSize: Int
    public var imageSize: Int
    public var patchSize: Int
    /// Channels of the mask-prompt downscaler's last convolution (the first has a quarter of them).
    public var maskInputChannels: Int
    /// Learned point embeddings: negative, positive, box top-left, box bottom-right.
    public var numPointEmbeddings: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double

    public init(
        hiddenSize: Int = 256,
        imageSize: Int = 1024,
        patchSize: Int = 16,
        maskInputChannels: Int = 16,
        numPointEmbeddings: Int = 4,
        hiddenAct: HiddenActivation = .gelu,
        layerNormEps: Double = 1e-6
    ) {
        self.hiddenSize = hiddenSize
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.maskInputChannels = maskInputChannels
        self.numPointEmbeddings = numPointEmbeddings
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
    }

    /// Side of the image embedding grid, `imageSize / patchSize` (64 for the defaults). transformers
    /// recomputes it and ignores an `image_embedding_size` in the file.
    public var imageEmbeddingSize: Int { imageSize / patchSize }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case maskInputChannels = "mask_input_channels"
        case numPointEmbeddings = "num_point_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SAMPromptEncoderConfiguration()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        imageSize = try c.value(.imageSize, or: d.imageSize)
        patchSize = try c.value(.patchSize, or: d.patchSize)
        maskInputChannels = try c.value(.maskInputChannels, or: d.maskInputChannels)
        numPointEmbeddings = try c.value(.numPointEmbeddings, or: d.numPointEmbeddings)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
    }
}

/// SAM's mask decoder (`mask_decoder_config`, transformers' `SamMaskDecoderConfig`): a two-way
/// transformer between prompt tokens and the image embedding, then mask and IoU heads.
///
/// Inputs: image embeddings `[batch, hiddenSize, 64, 64]`, sparse `[batch, pointBatch, prompts,
/// hiddenSize]` and dense `[batch, hiddenSize, 64, 64]` prompt embeddings. Outputs: low-resolution masks
/// `[batch, pointBatch, masks, 256, 256]` and IoU scores `[batch, pointBatch, masks]`, with `masks = 1`
/// (single) or `numMultimaskOutputs` (multimask).
public struct SAMMaskDecoderConfiguration: Codable, Sendable, Hashable {
    public var hiddenSize: Int
    public var hiddenAct: HiddenActivation
    /// Width of the MLP in each two-way transformer layer.
    public var mlpDim: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Factor by which the token-to-image and image-to-token attentions shrink their inner width.
    public var attentionDownsampleRate: Int
    public var numMultimaskOutputs: Int
    /// Layers of the IoU prediction MLP.
    public var iouHeadDepth: Int
    public var iouHeadHiddenDim: Int
    public var layerNormEps: Double

    public init(
        hiddenSize: Int = 256,
        hiddenAct: HiddenActivation = .relu,
        mlpDim: Int = 2048,
        numHiddenLayers: Int = 2,
        numAttentionHeads: Int = 8,
        attentionDownsampleRate: Int = 2,
        numMultimaskOutputs: Int = 3,
        iouHeadDepth: Int = 3,
        iouHeadHiddenDim: Int = 256,
        layerNormEps: Double = 1e-6
    ) {
        self.hiddenSize = hiddenSize
        self.hiddenAct = hiddenAct
        self.mlpDim = mlpDim
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.attentionDownsampleRate = attentionDownsampleRate
        self.numMultimaskOutputs = numMultimaskOutputs
        self.iouHeadDepth = iouHeadDepth
        self.iouHeadHiddenDim = iouHeadHiddenDim
        self.layerNormEps = layerNormEps
    }

    /// Mask tokens of the decoder, `numMultimaskOutputs + 1` (the first is the single-mask output).
    public var numMaskTokens: Int { numMultimaskOutputs + 1 }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case hiddenAct = "hidden_act"
        case mlpDim = "mlp_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case attentionDownsampleRate = "attention_downsample_rate"
        case numMultimaskOutputs = "num_multimask_outputs"
        case iouHeadDepth = "iou_head_depth"
        case iouHeadHiddenDim = "iou_head_hidden_dim"
        case layerNormEps = "layer_norm_eps"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SAMMaskDecoderConfiguration()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        mlpDim = try c.value(.mlpDim, or: d.mlpDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        attentionDownsampleRate = try c.value(.attentionDownsampleRate, or: d.attentionDownsampleRate)
        numMultimaskOutputs = try c.value(.numMultimaskOutputs, or: d.numMultimaskOutputs)
        iouHeadDepth = try c.value(.iouHeadDepth, or: d.iouHeadDepth)
        iouHeadHiddenDim = try c.value(.iouHeadHiddenDim, or: d.iouHeadHiddenDim)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
    }
}
