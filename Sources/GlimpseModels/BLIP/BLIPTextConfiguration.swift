import Foundation

/// BLIP's text model (`text_config`, transformers' `BlipTextConfig`): for
/// `BlipForConditionalGeneration` a BERT-style decoder with causal self-attention, cross-attention to
/// the image embeddings in every layer, and a language-model head.
///
/// Decoder input `input_ids` `[batch, tokens]`, image embeddings `[batch, imagePositions,
/// encoderHiddenSize]`; hidden states `[batch, tokens, hiddenSize]`; logits `[batch, tokens, vocabSize]`.
///
/// Captioning (`BlipForConditionalGeneration.generate`) starts every sequence with `bosTokenID` (30522,
/// `[DEC]`), stops at `sepTokenID` (102, `[SEP]`) — not at `eosTokenID` — and pads with `padTokenID`.
public struct BLIPTextConfiguration: Codable, Sendable, Hashable {
    /// 30524: the bert-base-uncased vocabulary (30522) plus `[DEC]` and `[ENC]`.
    public var vocabSize: Int
    public var hiddenSize: Int
    /// Width of the image embeddings the cross-attention reads: `crossattention.self.key` is
    /// `[hiddenSize, encoderHiddenSize]`. Inside a `BLIPConfiguration` it always equals
    /// `visionConfig.hiddenSize`.
    public var encoderHiddenSize: Int
    public var intermediateSize: Int
    /// Present in the file but unused by the BLIP models (see `BLIPConfiguration.projectionDim`).
    public var projectionDim: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Longest token sequence: `position_embeddings` is `[maxPositionEmbeddings, hiddenSize]`.
    public var maxPositionEmbeddings: Int
    public var hiddenAct: HiddenActivation
    public var layerNormEps: Double
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    public var initializerRange: Double
    /// First token of every generated caption (`[DEC]`).
    public var bosTokenID: Int
    /// The id the training code appended as end of text; generation stops at `sepTokenID` instead.
    public var eosTokenID: Int
    public var padTokenID: Int
    /// The token that ends a generated caption (`[SEP]`).
    public var sepTokenID: Int
    /// `true` for the captioning decoder (causal self-attention mask).
    public var isDecoder: Bool
    /// Whether generation keeps a key/value cache.
    public var useCache: Bool

    public init(
        vocabSize: Int = 30524,
        hiddenSize: Int = 768,
        encoderHiddenSize: Int = 768,
        intermediateSize: Int = 3072,
        projectionDim: Int = 768,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 8,
        maxPositionEmbeddings: Int = 512,
        hiddenAct: HiddenActivation = .gelu,
        layerNormEps: Double = 1e-12,
        hiddenDropoutProb: Double = 0.0,
        attentionProbsDropoutProb: Double = 0.0,
        initializerRange: Double = 0.02,
        bosTokenID: Int = 30522,
        eosTokenID: Int = 2,
        padTokenID: Int = 0,
        sepTokenID: Int = 102,
        isDecoder: Bool = true,
        useCache: Bool = true
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.encoderHiddenSize = encoderHiddenSize
        self.intermediateSize = intermediateSize
        self.projectionDim = projectionDim
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.initializerRange = initializerRange
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.padTokenID = padTokenID
        self.sepTokenID = sepTokenID
        self.isDecoder = isDecoder
        self.useCache = useCache
    }

    /// Width of one attention head, `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case encoderHiddenSize = "encoder_hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case initializerRange = "initializer_range"
        case bosTokenID = "bos_token_id"
        case eosTokenID = "eos_token_id"
        case padTokenID = "pad_token_id"
        case sepTokenID = "sep_token_id"
        case isDecoder = "is_decoder"
        case useCache = "use_cache"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BLIPTextConfiguration()
        vocabSize = try c.value(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        encoderHiddenSize = try c.value(.encoderHiddenSize, or: d.encoderHiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        hiddenDropoutProb = try c.value(.hiddenDropoutProb, or: d.hiddenDropoutProb)
        attentionProbsDropoutProb = try c.value(.attentionProbsDropoutProb, or: d.attentionProbsDropoutProb)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        bosTokenID = try c.value(.bosTokenID, or: d.bosTokenID)
        eosTokenID = try c.value(.eosTokenID, or: d.eosTokenID)
        padTokenID = try c.value(.padTokenID, or: d.padTokenID)
        sepTokenID = try c.value(.sepTokenID, or: d.sepTokenID)
        isDecoder = try c.value(.isDecoder, or: d.isDecoder)
        useCache = try c.value(.useCache, or: d.useCache)
    }
}
