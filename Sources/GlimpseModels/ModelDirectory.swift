import Foundation

/// A model folder in the Hugging Face hub layout: `config.json`, `model.safetensors` (or a sharded
/// index), `preprocessor_config.json` and tokenizer files side by side, as `glimpse models pull` or
/// `huggingface-cli download` leave them (snapshot folders of symbolic links work too).
///
/// The file properties look at the disk on every access, so they see files added later.
public struct ModelDirectory: Sendable, Hashable {
    /// The files of the hub layout that Glimpse reads.
    public enum File: String, Sendable, Hashable, CaseIterable {
        case config = "config.json"
        case preprocessorConfig = "preprocessor_config.json"
        case tokenizer = "tokenizer.json"
        case tokenizerConfig = "tokenizer_config.json"
        /// WordPiece vocabulary (BERT, BLIP), one token a line.
        case vocabText = "vocab.txt"
        /// BPE vocabulary (CLIP), token → id.
        case vocabJSON = "vocab.json"
        /// BPE merges (CLIP).
        case merges = "merges.txt"
        case specialTokensMap = "special_tokens_map.json"
        case weights = "model.safetensors"
        /// Index of a sharded checkpoint: `weight_map` maps tensor names to shard files.
        case weightsIndex = "model.safetensors.index.json"
    }

    /// The folder, standardized.
    public let url: URL

    /// Opens the folder at `url`; throws `ModelsError.directoryNotFound` or `.notADirectory`.
    public init(url: URL) throws {
        let url = url.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard url.isFileURL, FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelsError.directoryNotFound(url)
        }
        guard isDirectory.boolValue else {
            throw ModelsError.notADirectory(url)
        }
        self.url = url
    }

    /// The URL of `file` when it is present (a regular file, or a link to one), else `nil`.
    public func url(for file: File) -> URL? {
        contains(file.rawValue) ? url.appendingPathComponent(file.rawValue) : nil
    }

    /// Whether a regular file (or a link to one) called `name` is in the folder.
    public func contains(_ name: String) -> Bool {
        var isDirectory: ObjCBool = false
        let path = url.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    public var configURL: URL? { url(for: .config) }
    public var preprocessorConfigURL: URL? { url(for: .preprocessorConfig) }
    public var tokenizerURL: URL? { url(for: .tokenizer) }
    public var tokenizerConfigURL: URL? { url(for: .tokenizerConfig) }
    public var vocabTextURL: URL? { url(for: .vocabText) }
    public var vocabJSONURL: URL? { url(for: .vocabJSON) }
    public var mergesURL: URL? { url(for: .merges) }
    public var specialTokensMapURL: URL? { url(for: .specialTokensMap) }
    public var weightsURL: URL? { url(for: .weights) }
    public var weightsIndexURL: URL? { url(for: .weightsIndex) }

    /// Whether `model.safetensors` or `model.safetensors.index.json` is present (the shards an index
    /// names are checked by `missingFiles(for:)` and `weightFiles()`).
    public var hasWeights: Bool { weightsURL != nil || weightsIndexURL != nil }

    /// The safetensors files holding the weights: `model.safetensors`, or the shards the index names
    /// (sorted, each once). Throws when they are absent or the index is broken.
    public func weightFiles() throws -> [URL] {
        if let weightsURL {
            return [weightsURL]
        }
        guard weightsIndexURL != nil else {
            throw ModelsError.missingFile(File.weights.rawValue, directory: url)
        }
        let shards = try shardNames()
        if let absent = shards.first(where: { !contains($0) }) {
            throw ModelsError.missingFile(absent, directory: url)
        }
        return shards.map { url.appendingPathComponent($0) }
    }

    /// Decodes `config.json`; throws `ModelsError.missingFile` when it is absent.
    public func configuration() throws -> ModelConfiguration {
        let data = try ConfigurationJSON.read(url.appendingPathComponent(File.config.rawValue), directory: url)
        return try ModelConfiguration(jsonData: data, file: File.config.rawValue)
    }

    /// Decodes `preprocessor_config.json`. When the file names no image processor, the defaults follow
    /// `modelType`, or else the `model_type` of `config.json`.
    public func preprocessorConfiguration(modelType: ModelType? = nil) throws -> PreprocessorConfiguration {
        let fileURL = url.appendingPathComponent(File.preprocessorConfig.rawValue)
        let data = try ConfigurationJSON.read(fileURL, directory: url)
        let hint = modelType ?? (try? configuration().modelType)
        return try PreprocessorConfiguration(jsonData: data, file: File.preprocessorConfig.rawValue, modelTypeHint: hint)
    }

    /// What the folder lacks to run a model of `modelType` (see `ModelType.requiredFiles`), including
    /// shards that `model.safetensors.index.json` names but the folder lacks. Empty when complete.
    public func missingFiles(for modelType: ModelType) -> [MissingModelFile] {
        var missing = modelType.requiredFiles.compactMap { $0.missing(in: self) }
        if weightsURL == nil, weightsIndexURL != nil, let shards = try? shardNames() {
            missing += shards.filter { !contains($0) }.map { MissingModelFile(role: .weights, names: [$0]) }
        }
        return missing
    }

    /// `missingFiles(for:)` for the `model_type` in `config.json`.
    public func missingFiles() throws -> [MissingModelFile] {
        try missingFiles(for: configuration().modelType)
    }

    /// Throws `ModelsError.missingFiles` naming every absent file when the folder cannot run a model of
    /// `modelType`.
    public func validate(for modelType: ModelType) throws {
        let missing = missingFiles(for: modelType)
        guard missing.isEmpty else {
            throw ModelsError.missingFiles(missing.map(\.description), directory: url, modelType: modelType.rawValue)
        }
    }

    private struct SafeTensorsIndex: Decodable {
        var weightMap: [String: String]
        enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
    }

    /// The distinct shard file names in `model.safetensors.index.json`, sorted.
    private func shardNames() throws -> [String] {
        let file = File.weightsIndex.rawValue
        let data = try ConfigurationJSON.read(url.appendingPathComponent(file), directory: url)
        let index = try ConfigurationJSON.decode(SafeTensorsIndex.self, from: data, file: file)
        let names = Set(index.weightMap.values).sorted()
        guard !names.isEmpty else {
            throw ModelsError.invalidConfiguration(file: file, field: "weight_map", reason: "it names no shard files")
        }
        if let bad = names.first(where: { $0.contains("/") || $0.contains("\\") || $0.hasPrefix(".") }) {
            throw ModelsError.invalidConfiguration(
                file: file, field: "weight_map",
                reason: "shard \"\(bad)\" is not a plain file name in the model directory")
        }
        return names
    }
}

extension ModelDirectory {
    /// `config.json` decoded as one family's configuration; a missing file is ``ModelsError/missingFile(_:directory:)``.
    public func configuration<Configuration: HubConfigurationFile>(_ type: Configuration.Type) throws -> Configuration {
        guard let configURL else { throw ModelsError.missingFile("config.json", directory: url) }
        return try Configuration(contentsOf: configURL)
    }
}
