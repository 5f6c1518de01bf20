import Foundation

/// A CLIP checkpoint's `config.json` (`model_type: "clip"`), as transformers 4.46.3's `CLIPConfig`
/// reads it. The defaults are openai/clip-vit-base-patch32 (ViT-B/32).
///
/// transformers quirks this type reproduces:
/// - `text_config` / `vision_config` that are absent, `null` or `{}` mean all defaults.
/// - Old files (openai/clip-*) also carry `text_config_dict` / `vision_config_dict`. When one is present
///   (not `null`), transformers completes it with the defaults and lets it replace *every* field of
///   `text_config` / `vision_config`, even fields the dict form does not mention.
/// - The top-level `projection_dim` does not reach the nested configs: each keeps its own
///   `projection_dim` (default 512), which the model ignores; the projections use the top-level one.
public struct CLIPConfiguration: HubConfigurationFile, Codable, Hashable {
    public static let defaultFileName = "config.json"

    public var textConfig: CLIPTextConfiguration
    public var visionConfig: CLIPVisionConfiguration
    /// Size of the shared embedding space: `text_projection` is `[projectionDim, text.hiddenSize]`,
    /// `visual_projection` is `[projectionDim, vision.hiddenSize]`.
    public var projectionDim: Int
    /// Initial value of the learned `logit_scale` (ln(1/0.07)); the checkpoint stores the trained one.
    public var logitScaleInitValue: Double
    /// The classes the weights were saved from, e.g. `["CLIPModel"]`.
    public var architectures: [String]?
    /// The dtype the weights were saved in, e.g. `"float32"` or `"float16"`.
    public var torchDtype: String?

    public init(
        textConfig: CLIPTextConfiguration = CLIPTextConfiguration(),
        visionConfig: CLIPVisionConfiguration = CLIPVisionConfiguration(),
        projectionDim: Int = 512,
        logitScaleInitValue: Double = 2.6592,
        architectures: [String]? = nil,
        torchDtype: String? = nil
    ) {
        self.textConfig = textConfig
        self.visionConfig = visionConfig
        self.projectionDim = projectionDim
        self.logitScaleInitValue = logitScaleInitValue
        self.architectures = architectures
        self.torchDtype = torchDtype
    }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case textConfig = "text_config"
        case visionConfig = "vision_config"
        case textConfigDict = "text_config_dict"
        case visionConfigDict = "vision_config_dict"
        case projectionDim = "projection_dim"
        case logitScaleInitValue = "logit_scale_init_value"
        case architectures
        case torchDtype = "torch_dtype"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.checkModelType(.modelType, expected: ModelType.clip.rawValue)
        let defaults = CLIPConfiguration()
        textConfig =
            try c.optionalValue(CLIPTextConfiguration.self, .textConfigDict)
            ?? c.value(.textConfig, or: defaults.textConfig)
        visionConfig =
            try c.optionalValue(CLIPVisionConfiguration.self, .visionConfigDict)
            ?? c.value(.visionConfig, or: defaults.visionConfig)
        projectionDim = try c.value(.projectionDim, or: defaults.projectionDim)
        logitScaleInitValue = try c.value(.logitScaleInitValue, or: defaults.logitScaleInitValue)
        architectures = try c.optionalValue([String].self, .architectures)
        torchDtype = try c.optionalValue(String.self, .torchDtype)
    }

    /// Writes the modern layout (no `*_config_dict`), with `model_type`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ModelType.clip.rawValue, forKey: .modelType)
        try c.encode(textConfig, forKey: .textConfig)
        try c.encode(visionConfig, forKey: .visionConfig)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(logitScaleInitValue, forKey: .logitScaleInitValue)
        try c.encodeIfPresent(architectures, forKey: .architectures)
        try c.encodeIfPresent(torchDtype, forKey: .torchDtype)
    }
}

/// The text encoder of CLIP (`text_config`, transformers' `CLIPTextConfig`).
///
/// Input `input_ids` `[batch, tokens]` with `tokens ≤ maxPositionEmbeddings`; the encoder's last hidden
/// state is `[batch, tokens, hiddenSize]`, the pooled output `[batch, hiddenSize]`.
public struct CLIPTextConfiguration: Codable, Sendable, Hashable {
    public var vocabSize: Int
    public var hiddenSize: Int
    /// Width of the MLP inside each layer: `fc1` is `[intermediateSize, hiddenSize]`.
    public var intermediateSize: Int
    /// Present in the file but unused by `CLIPModel` (see `CLIPConfiguration.projectionDim`).
    public var projectionDim: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Longest token sequence: `position_embedding` is `[maxPositionEmbeddings, hiddenSize]`.
    public var maxPositionEmbeddings: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double
    public var attentionDropout: Double
    public var initializerRange: Double
    public var initializerFactor: Double
    public var padTokenID: Int
    public var bosTokenID: Int
    /// Checkpoints saved before transformers PR #24773 say `2` here; see `poolsAtHighestTokenID`.
    public var eosTokenID: Int

    public init(
        vocabSize: Int = 49408,
        hiddenSize: Int = 512,
        intermediateSize: Int = 2048,
        projectionDim: Int = 512,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 8,
        maxPositionEmbeddings: Int = 77,
        hiddenAct: HiddenActivation = .quickGELU,
        layerNormEps: Double = 1e-5,
        attentionDropout: Double = 0.0,
        initializerRange: Double = 0.02,
        initializerFactor: Double = 1.0,
        padTokenID: Int = 1,
        bosTokenID: Int = 49406,
        eosTokenID: Int = 49407
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.projectionDim = projectionDim
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.attentionDropout = attentionDropout
        self.initializerRange = initializerRange
        self.initializerFactor = initializerFactor
        self.padTokenID = padTokenID
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
    }

    /// Width of one attention head, `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// Whether the pooled output is taken at the highest token id of each sequence (the end-of-text
    /// token in the original vocabulary) rather than at the first `eosTokenID`: transformers does so
    /// when `eos_token_id == 2`, the value of checkpoints saved before PR #24773.
    public var poolsAtHighestTokenID: Bool { eosTokenID == 2 }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range"
        case initializerFactor = "initializer_factor"
        case padTokenID = "pad_token_id"
        case bosTokenID = "bos_token_id"
        case eosTokenID = "eos_token_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfiguration()
        vocabSize = try c.value(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        attentionDropout = try c.value(.attentionDropout, or: d.attentionDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        initializerFactor = try c.value(.initializerFactor, or: d.initializerFactor)
        padTokenID = try c.value(.padTokenID, or: d.padTokenID)
        bosTokenID = try c.value(.bosTokenID, or: d.bosTokenID)
        eosTokenID = try c.value(.eosTokenID, or: d.eosTokenID)
    }
}

/// The vision encoder of CLIP (`vision_config`, transformers' `CLIPVisionConfig`).
///
/// Input `pixel_values` `[batch, numChannels, imageSize, imageSize]`; the last hidden state is
/// `[batch, numPositions, hiddenSize]` with `numPositions = (imageSize / patchSize)² + 1` (class token).
public struct CLIPVisionConfiguration: Codable, Sendable, Hashable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    /// Present in the file but unused by `CLIPModel` (see `CLIPConfiguration.projectionDim`).
    public var projectionDim: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numChannels: Int
    public var imageSize: Int
    /// `patch_embedding` is a convolution with weight `[hiddenSize, numChannels, patchSize, patchSize]`.
    public var patchSize: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double
    public var attentionDropout: Double
    public var initializerRange: Double
    public var initializerFactor: Double

    public init(
        hiddenSize: Int = 768,
        intermediateSize: Int = 3072,
        projectionDim: Int = 512,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 12,
        numChannels: Int = 3,
        imageSize: Int = 224,
        patchSize: Int = 32,
        hiddenAct: HiddenActivation = .quickGELU,
        layerNormEps: Double = 1e-5,
        attentionDropout: Double = 0.0,
        initializerRange: Double = 0.02,
        initializerFactor: Double = 1.0
    ) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.projectionDim = projectionDim
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numChannels = numChannels
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.attentionDropout = attentionDropout
        self.initializerRange = initializerRange
        self.initializerFactor = initializerFactor
    }

    /// Width of one attention head, `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / numAttentionHeads }
    /// Patches per image, `(imageSize / patchSize)²`.
    public var numPatches: Int { (imageSize / patchSize) * (imageSize / patchSize) }
    /// Tokens per image including the class token, `numPatches + 1`.
    public var numPositions: Int { numPatches + 1 }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels"
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range"
        case initializerFactor = "initializer_factor"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPVisionConfiguration()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        numChannels = try c.value(.numChannels, or: d.numChannels)
        imageSize = try c.value(.imageSize, or: d.imageSize)
        patchSize = try c.value(.patchSize, or: d.patchSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        attentionDropout = try c.value(.attentionDropout, or: d.attentionDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        initializerFactor = try c.value(.initializerFactor, or: d.initializerFactor)
    }
}
