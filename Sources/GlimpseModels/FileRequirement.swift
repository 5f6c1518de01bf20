import Foundation

/// What a file in a model directory is for.
public enum ModelFileRole: String, Sendable, Hashable, CaseIterable {
    case configuration
    case weights
    case tokenizer
    case preprocessor
}

/// A file a model family needs, with the hub-layout files that can provide it.
public struct FileRequirement: Sendable, Hashable, CustomStringConvertible {
    public var role: ModelFileRole
    /// Ways to satisfy the requirement, the preferred first; each is a set of hub file names that must
    /// all be present (`["vocab.json", "merges.txt"]`).
    public var alternatives: [[String]]

    public init(role: ModelFileRole, alternatives: [[String]]) {
        precondition(!alternatives.isEmpty && alternatives.allSatisfy { !$0.isEmpty })
        self.role = role
        self.alternatives = alternatives
    }

    /// `config.json`.
    public static let configuration = FileRequirement(
        role: .configuration, alternatives: [[ModelDirectory.File.config.rawValue]])
    /// `model.safetensors`, or `model.safetensors.index.json` with its shards.
    public static let weights = FileRequirement(
        role: .weights,
        alternatives: [[ModelDirectory.File.weights.rawValue], [ModelDirectory.File.weightsIndex.rawValue]])
    /// CLIP's byte-level BPE: `tokenizer.json`, or `vocab.json` + `merges.txt`.
    public static let bpeTokenizer = FileRequirement(
        role: .tokenizer,
        alternatives: [
            [ModelDirectory.File.tokenizer.rawValue],
            [ModelDirectory.File.vocabJSON.rawValue, ModelDirectory.File.merges.rawValue],
        ])
    /// BERT's WordPiece (also BLIP's): `tokenizer.json`, or `vocab.txt`.
    public static let wordPieceTokenizer = FileRequirement(
        role: .tokenizer,
        alternatives: [[ModelDirectory.File.tokenizer.rawValue], [ModelDirectory.File.vocabText.rawValue]])
    /// `preprocessor_config.json`.
    public static let preprocessor = FileRequirement(
        role: .preprocessor, alternatives: [[ModelDirectory.File.preprocessorConfig.rawValue]])

    /// `tokenizer: tokenizer.json or vocab.json + merges.txt`.
    public var description: String {
        "\(role.rawValue): " + alternatives.map { $0.joined(separator: " + ") }.joined(separator: " or ")
    }

    /// The missing files, or `nil` when some alternative is complete in `directory`. When an alternative
    /// is partly present (`vocab.json` without `merges.txt`), its absent files are reported first.
    func missing(in directory: ModelDirectory) -> MissingModelFile? {
        let absent = alternatives.map { $0.filter { !directory.contains($0) } }
        if absent.contains(where: \.isEmpty) {
            return nil
        }
        let partial = alternatives.indices.first { absent[$0].count < alternatives[$0].count }
        let chosen = partial ?? 0
        let others = alternatives.indices.filter { $0 != chosen }.map { alternatives[$0].joined(separator: " + ") }
        return MissingModelFile(role: role, names: absent[chosen], alternatives: others)
    }
}

/// A file (or set of files) a model directory lacks, as `ModelDirectory.missingFiles(for:)` reports it.
public struct MissingModelFile: Sendable, Hashable, CustomStringConvertible {
    public var role: ModelFileRole
    /// The hub file names to add, e.g. `["model.safetensors"]` or a missing shard.
    public var names: [String]
    /// Other files that would do instead, e.g. `["model.safetensors.index.json"]`.
    public var alternatives: [String]

    public init(role: ModelFileRole, names: [String], alternatives: [String] = []) {
        self.role = role
        self.names = names
        self.alternatives = alternatives
    }

    /// `model.safetensors (or model.safetensors.index.json)`.
    public var description: String {
        let main = names.joined(separator: " + ")
        return alternatives.isEmpty ? main : "\(main) (or \(alternatives.joined(separator: " or ")))"
    }
}
