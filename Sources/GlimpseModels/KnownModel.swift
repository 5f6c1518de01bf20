/// What a model does in Glimpse's pipeline.
public enum ModelRole: String, Sendable, CaseIterable, Codable {
    case imageTextEmbedder = "image-text embedder"
    case captioner
    case segmenter
    case sentenceEmbedder = "sentence embedder"
}

/// A model Glimpse knows by a short name: its Hugging Face repository, revision, role and files.
///
/// Checksums are not pinned here: the hub states the SHA-256 of every large file (`X-Linked-Etag`)
/// and each download is verified against it.
public struct KnownModel: Sendable, Hashable {
    /// The short name used on the command line (`clip-vit-b32`).
    public let name: String
    public let repository: String
    public let revision: String
    public let role: ModelRole
    /// Whether Glimpse uses it for its role unless told otherwise.
    public let isDefault: Bool
    /// Files that must be present in the model folder for Glimpse to use it.
    public let requiredFiles: [String]
    /// Files that are fetched too when present in the repository (tokenizer settings and the like).
    public let optionalFiles: [String]

    public init(name: String, repository: String, revision: String = "main", role: ModelRole, isDefault: Bool = false,
                requiredFiles: [String], optionalFiles: [String] = ["tokenizer_config.json", "special_tokens_map.json"]) {
        self.name = name
        self.repository = repository
        self.revision = revision
        self.role = role
        self.isDefault = isDefault
        self.requiredFiles = requiredFiles
        self.optionalFiles = optionalFiles
    }

    private static let clipFiles = ["config.json", "model.safetensors", "preprocessor_config.json", "vocab.json", "merges.txt"]
    private static let blipFiles = ["config.json", "model.safetensors", "preprocessor_config.json", "vocab.txt"]
    private static let samFiles = ["config.json", "model.safetensors", "preprocessor_config.json"]

    /// Every model Glimpse knows, defaults first within each role.
    public static let all: [KnownModel] = [
        KnownModel(name: "clip-vit-b32", repository: "openai/clip-vit-base-patch32", role: .imageTextEmbedder, isDefault: true, requiredFiles: clipFiles),
        KnownModel(name: "clip-vit-b16", repository: "openai/clip-vit-base-patch16", role: .imageTextEmbedder, requiredFiles: clipFiles),
        KnownModel(name: "clip-vit-l14", repository: "openai/clip-vit-large-patch14", role: .imageTextEmbedder, requiredFiles: clipFiles),
        KnownModel(name: "clip-vit-l14-336", repository: "openai/clip-vit-large-patch14-336", role: .imageTextEmbedder, requiredFiles: clipFiles),
        KnownModel(name: "blip-base", repository: "Salesforce/blip-image-captioning-base", role: .captioner, isDefault: true, requiredFiles: blipFiles),
        KnownModel(name: "blip-large", repository: "Salesforce/blip-image-captioning-large", role: .captioner, requiredFiles: blipFiles),
        KnownModel(name: "sam-vit-b", repository: "facebook/sam-vit-base", role: .segmenter, isDefault: true, requiredFiles: samFiles),
        KnownModel(name: "sam-vit-l", repository: "facebook/sam-vit-large", role: .segmenter, requiredFiles: samFiles),
        KnownModel(name: "sam-vit-h", repository: "facebook/sam-vit-huge", role: .segmenter, requiredFiles: samFiles),
        KnownModel(name: "slimsam", repository: "nielsr/slimsam-50-uniform", role: .segmenter, requiredFiles: samFiles),
        KnownModel(name: "minilm", repository: "sentence-transformers/all-MiniLM-L6-v2", role: .sentenceEmbedder, isDefault: true,
                   requiredFiles: ["config.json", "model.safetensors", "vocab.txt"],
                   optionalFiles: ["tokenizer_config.json", "special_tokens_map.json", "sentence_bert_config.json"]),
    ]

    /// The default model of each role.
    public static var defaults: [KnownModel] { all.filter(\.isDefault) }

    /// The known model called `name` (its short name or its repository).
    public static func named(_ name: String) -> KnownModel? {
        all.first { $0.name == name || $0.repository == name }
    }
}
