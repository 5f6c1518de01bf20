import Foundation

/// A BERT checkpoint's `config.json` (`model_type: "bert"`), as transformers 4.46.3's `BertConfig`
/// reads it. The defaults are bert-base-uncased; Glimpse uses it for the all-MiniLM-L6-v2 sentence
/// encoder (hidden 384, 6 layers, intermediate 1536).
///
/// Inputs `input_ids`, `attention_mask`, `token_type_ids` `[batch, tokens]` with
/// `tokens ≤ maxPositionEmbeddings`; last hidden state `[batch, tokens, hiddenSize]`.
public struct BERTConfiguration: HubConfigurationFile, Codable, Hashable {
    public static let defaultFileName = "config.json"

    /// Rows of `word_embeddings` `[vocabSize, hiddenSize]`.
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Width of the feed-forward layer: `intermediate.dense` is `[intermediateSize, hiddenSize]`.
    public var intermediateSize: Int
    public var hiddenAct: HiddenActivation
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    /// Rows of `position_embeddings` `[maxPositionEmbeddings, hiddenSize]`.
    public var maxPositionEmbeddings: Int
    /// Rows of `token_type_embeddings` `[typeVocabSize, hiddenSize]`.
    public var typeVocabSize: Int
    public var initializerRange: Double
    public var layerNormEps: Double
    public var padTokenID: Int
    /// `"absolute"` (learned position embeddings), `"relative_key"` or `"relative_key_query"`;
    /// transformers treats any other string as absolute.
    public var positionEmbeddingType: String
    public var useCache: Bool
    /// Dropout of classification heads; `nil` means `hiddenDropoutProb`.
    public var classifierDropout: Double?
    /// The classes the weights were saved from, e.g. `["BertModel"]`.
    public var architectures: [String]?
    /// The dtype the weights were saved in, e.g. `"float32"`.
    public var torchDtype: String?

    public init(
        vocabSize: Int = 30522,
        hiddenSize: Int = 768,
        numHiddenLayers: Int = 12,
        numAttentionHeads: Int = 12,
        intermediateSize: Int = 3072,
        hiddenAct: HiddenActivation = .gelu,
        hiddenDropoutProb: Double = 0.1,
        attentionProbsDropoutProb: Double = 0.1,
        maxPositionEmbeddings: Int = 512,
        typeVocabSize: Int = 2,
        initializerRange: Double = 0.02,
        layerNormEps: Double = 1e-12,
        padTokenID: Int = 0,
        positionEmbeddingType: String = "absolute",
        useCache: Bool = true,
        classifierDropout: Double? = nil,
        architectures: [String]? = nil,
        torchDtype: String? = nil
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.initializerRange = initializerRange
        self.layerNormEps = layerNormEps
        self.padTokenID = padTokenID
        self.positionEmbeddingType = positionEmbeddingType
        self.useCache = useCache
        self.classifierDropout = classifierDropout
        self.architectures = architectures
        self.torchDtype = torchDtype
    }

    /// Width of one attention head, `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case initializerRange = "initializer_range"
        case layerNormEps = "layer_norm_eps"
        case padTokenID = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
        case useCache = "use_cache"
        case classifierDropout = "classifier_dropout"
        case architectures
        case torchDtype = "torch_dtype"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.checkModelType(.modelType, expected: ModelType.bert.rawValue)
        let d = BERTConfiguration()
        vocabSize = try c.value(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        hiddenDropoutProb = try c.value(.hiddenDropoutProb, or: d.hiddenDropoutProb)
        attentionProbsDropoutProb = try c.value(.attentionProbsDropoutProb, or: d.attentionProbsDropoutProb)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        typeVocabSize = try c.value(.typeVocabSize, or: d.typeVocabSize)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        padTokenID = try c.value(.padTokenID, or: d.padTokenID)
        positionEmbeddingType = try c.value(.positionEmbeddingType, or: d.positionEmbeddingType)
        useCache = try c.value(.useCache, or: d.useCache)
        classifierDropout = try c.optionalValue(Double.self, .classifierDropout)
        architectures = try c.optionalValue([String].self, .architectures)
        torchDtype = try c.optionalValue(String.self, .torchDtype)
    }

    /// Writes `model_type` and every modelled field.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ModelType.bert.rawValue, forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(hiddenDropoutProb, forKey: .hiddenDropoutProb)
        try c.encode(attentionProbsDropoutProb, forKey: .attentionProbsDropoutProb)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(typeVocabSize, forKey: .typeVocabSize)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(padTokenID, forKey: .padTokenID)
        try c.encode(positionEmbeddingType, forKey: .positionEmbeddingType)
        try c.encode(useCache, forKey: .useCache)
        try c.encode(classifierDropout, forKey: .classifierDropout)
        try c.encodeIfPresent(architectures, forKey: .architectures)
        try c.encodeIfPresent(torchDtype, forKey: .torchDtype)
    }
}
