import Foundation

/// A BLIP checkpoint's `config.json` (`model_type: "blip"`), as transformers 4.46.3's `BlipConfig`
/// reads it. The defaults are Salesforce/blip-image-captioning-base (ViT-B/16 at 384², BERT-base text
/// decoder).
///
/// transformers quirks this type reproduces:
/// - `text_config` / `vision_config` that are absent, `null` or `{}` mean all defaults.
/// - `text_config.encoder_hidden_size` is always overwritten with `vision_config.hidden_size`
///   (the cross-attention reads the image embeddings), whatever the file says.
/// - Unlike CLIP, `text_config_dict` / `vision_config_dict` are ignored.
/// - Three different `projection_dim` defaults: top level 512, vision 512, text 768; only the top-level
///   one sizes the retrieval projections.
public struct BLIPConfiguration: HubConfigurationFile, Codable, Hashable {
    public static let defaultFileName = "config.json"

    public var textConfig: BLIPTextConfiguration
    public var visionConfig: BLIPVisionConfiguration
    /// Size of the image-text retrieval space (`BlipModel`'s `visual_projection`/`text_projection`).
    public var projectionDim: Int
    public var logitScaleInitValue: Double
    /// Size of the image-text matching projections (`BlipForImageTextRetrieval`).
    public var imageTextHiddenSize: Int
    /// The classes the weights were saved from; `["BlipForConditionalGeneration"]` for captioning.
    public var architectures: [String]?
    /// The dtype the weights were saved in, e.g. `"float32"`.
    public var torchDtype: String?

    /// Builds a configuration; like transformers, sets `textConfig.encoderHiddenSize` to
    /// `visionConfig.hiddenSize`.
    public init(
        textConfig: BLIPTextConfiguration = BLIPTextConfiguration(),
        visionConfig: BLIPVisionConfiguration = BLIPVisionConfiguration(),
        projectionDim: Int = 512,
        logitScaleInitValue: Double = 2.6592,
        imageTextHiddenSize: Int = 256,
        architectures: [String]? = nil,
        torchDtype: String? = nil
    ) {
        var textConfig = textConfig
        textConfig.encoderHiddenSize = visionConfig.hiddenSize
        self.textConfig = textConfig
        self.visionConfig = visionConfig
        self.projectionDim = projectionDim
        self.logitScaleInitValue = logitScaleInitValue
        self.imageTextHiddenSize = imageTextHiddenSize
        self.architectures = architectures
        self.torchDtype = torchDtype
    }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case textConfig = "text_config"
        case visionConfig = "vision_config"
        case projectionDim = "projection_dim"
        case logitScaleInitValue = "logit_scale_init_value"
        case imageTextHiddenSize = "image_text_hidden_size"
        case architectures
        case torchDtype = "torch_dtype"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.checkModelType(.modelType, expected: ModelType.blip.rawValue)
        let d = BLIPConfiguration()
        self.init(
            textConfig: try c.value(.textConfig, or: d.textConfig),
            visionConfig: try c.value(.visionConfig, or: d.visionConfig),
            projectionDim: try c.value(.projectionDim, or: d.projectionDim),
            logitScaleInitValue: try c.value(.logitScaleInitValue, or: d.logitScaleInitValue),
            imageTextHiddenSize: try c.value(.imageTextHiddenSize, or: d.imageTextHiddenSize),
            architectures: try c.optionalValue([String].self, .architectures),
            torchDtype: try c.optionalValue(String.self, .torchDtype))
    }

    /// Writes `model_type` and every modelled field.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ModelType.blip.rawValue, forKey: .modelType)
        try c.encode(textConfig, forKey: .textConfig)
        try c.encode(visionConfig, forKey: .visionConfig)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(logitScaleInitValue, forKey: .logitScaleInitValue)
        try c.encode(imageTextHiddenSize, forKey: .imageTextHiddenSize)
        try c.encodeIfPresent(architectures, forKey: .architectures)
        try c.encodeIfPresent(torchDtype, forKey: .torchDtype)
    }
}

/// BLIP's vision transformer (`vision_config`, transformers' `BlipVisionConfig`).
///
/// Input `pixel_values` `[batch, 3, imageSize, imageSize]`; output (the image embeddings the text decoder
/// cross-attends to) `[batch, (imageSize / patchSize)² + 1, hiddenSize]`, i.e. `[batch, 577, 768]` for
/// the base model.
public struct BLIPVisionConfiguration: Codable, Sendable, Hashable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    /// Present in the file but unused by the BLIP models (see `BLIPConfiguration.projectionDim`).
    public var projectionDim: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var imageSize: Int
    /// `patch_embedding` is a convolution with weight `[hiddenSize, 3, patchSize, patchSize]`.
    public var patchSize: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double
    public var attentionDropout: Double
    public var initializerRange: Double

    public init(
        hiddenSize: Int = 768,
        intermediateSize: Int = 3072,
        projectionDim: Int = 512,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 12,
        imageSize: Int = 384,
        patchSize: Int = 16,
        hiddenAct: HiddenActivation = .gelu,
        layerNormEps: Double = 1e-5,
        attentionDropout: Double = 0.0,
        initializerRange: Double = 1e-10
    ) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.projectionDim = projectionDim
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.attentionDropout = attentionDropout
        self.initializerRange = initializerRange
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
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BLIPVisionConfiguration()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        imageSize = try c.value(.imageSize, or: d.imageSize)
        patchSize = try c.value(.patchSize, or: d.patchSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        attentionDropout = try c.value(.attentionDropout, or: d.attentionDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
    }
}
