/// What a model does in Glimpse's pipeline.
public enum ModelRole: String, Sendable, CaseIterable, Codable {
    case imageTextEmbedder = "image-text embedder"
    case captioner
    case segmenter
    case sentenceEmbedder = "sentence embedder"
}

/// A model Glimpse uses by default, named by its Hugging Face repository.
///
/// The full registry (revisions, files, sizes, checksums, alternatives) is the models issue's work;
/// this is the default model for each role, which `glimpse doctor` reports on.
public struct KnownModel: Sendable, Hashable {
    public let repository: String
    public let role: ModelRole
    /// Files that must be present in the model folder for Glimpse to use it.
    public let requiredFiles: [String]

    public static let defaults: [KnownModel] = [
        KnownModel(repository: "openai/clip-vit-base-patch32", role: .imageTextEmbedder,
                   requiredFiles: ["config.json", "model.safetensors", "preprocessor_config.json", "vocab.json", "merges.txt"]),
        KnownModel(repository: "Salesforce/blip-image-captioning-base", role: .captioner,
                   requiredFiles: ["config.json", "model.safetensors", "preprocessor_config.json", "vocab.txt"]),
        KnownModel(repository: "facebook/sam-vit-base", role: .segmenter,
                   requiredFiles: ["config.json", "model.safetensors", "preprocessor_config.json"]),
        KnownModel(repository: "sentence-transformers/all-MiniLM-L6-v2", role: .sentenceEmbedder,
                   requiredFiles: ["config.json", "model.safetensors", "vocab.txt"]),
    ]
}
