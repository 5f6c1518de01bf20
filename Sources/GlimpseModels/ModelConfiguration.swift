import Foundation

/// The model families Glimpse runs, by their `config.json` `model_type`.
public enum ModelType: String, Sendable, Hashable, CaseIterable, Codable {
    case clip
    case blip
    case sam
    case bert

    /// The `model_type` strings Glimpse accepts, sorted.
    public static var supportedNames: [String] { allCases.map(\.rawValue).sorted() }

    /// The files a usable model directory of this family must hold (see `ModelDirectory.missingFiles`).
    ///
    /// Every family needs `config.json` and the weights; CLIP, BLIP and BERT need tokenizer files,
    /// CLIP, BLIP and SAM `preprocessor_config.json`.
    public var requiredFiles: [FileRequirement] {
        var requirements: [FileRequirement] = [.configuration, .weights]
        switch self {
        case .clip: requirements += [.bpeTokenizer, .preprocessor]
        case .blip: requirements += [.wordPieceTokenizer, .preprocessor]
        case .sam: requirements += [.preprocessor]
        case .bert: requirements += [.wordPieceTokenizer]
        }
        return requirements
    }
}

/// A decoded `config.json` of one of the supported families, chosen by its `model_type`.
///
/// ```swift
/// let directory = try ModelDirectory(url: folder)
/// guard case .blip(let blip) = try directory.configuration() else { … }
/// ```
public enum ModelConfiguration: HubConfigurationFile, Hashable {
    case clip(CLIPConfiguration)
    case blip(BLIPConfiguration)
    case sam(SAMConfiguration)
    case bert(BERTConfiguration)

    public static let defaultFileName = "config.json"

    public var modelType: ModelType {
        switch self {
        case .clip: .clip
        case .blip: .blip
        case .sam: .sam
        case .bert: .bert
        }
    }

    /// The checkpoint's `architectures`, e.g. `["BlipForConditionalGeneration"]`.
    public var architectures: [String]? {
        switch self {
        case .clip(let c): c.architectures
        case .blip(let c): c.architectures
        case .sam(let c): c.architectures
        case .bert(let c): c.architectures
        }
    }

    /// The checkpoint's `torch_dtype`, e.g. `"float32"`.
    public var torchDtype: String? {
        switch self {
        case .clip(let c): c.torchDtype
        case .blip(let c): c.torchDtype
        case .sam(let c): c.torchDtype
        case .bert(let c): c.torchDtype
        }
    }

    private enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
    }

    /// Reads `model_type` and decodes the family's configuration.
    ///
    /// Throws `ModelsError.unsupportedModelType` for a type Glimpse does not run; a missing, `null` or
    /// empty `model_type` throws `DecodingError.keyNotFound`, which `init(jsonData:file:)` reports as
    /// `ModelsError.missingModelType`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let name = try c.optionalValue(String.self, .modelType), !name.isEmpty else {
            throw DecodingError.keyNotFound(
                CodingKeys.modelType,
                .init(codingPath: c.codingPath, debugDescription: "model_type is missing, null or empty"))
        }
        guard let type = ModelType(rawValue: name) else {
            throw ModelsError.unsupportedModelType(name, supported: ModelType.supportedNames)
        }
        switch type {
        case .clip: self = .clip(try CLIPConfiguration(from: decoder))
        case .blip: self = .blip(try BLIPConfiguration(from: decoder))
        case .sam: self = .sam(try SAMConfiguration(from: decoder))
        case .bert: self = .bert(try BERTConfiguration(from: decoder))
        }
    }
}
