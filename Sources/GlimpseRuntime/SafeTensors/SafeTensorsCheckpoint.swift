import Foundation

/// The weights of a Hugging Face model folder: a single `model.safetensors`, or shards listed by
/// `model.safetensors.index.json` (`{"metadata": {...}, "weight_map": {tensor: shard file}}`).
///
/// All files are mapped and validated when the checkpoint opens. Tensors the model does not use
/// (such as `position_ids` buffers) are simply never asked for.
public struct SafeTensorsCheckpoint: Sendable {
    /// The single-file checkpoint name.
    public static let singleFileName = "model.safetensors"
    /// The sharded checkpoint index name.
    public static let indexFileName = "model.safetensors.index.json"

    /// Where a tensor lives.
    public struct Location: Sendable {
        /// The mapped file holding the tensor.
        public let file: SafeTensorsFile
        /// The tensor's description in that file.
        public let info: SafeTensorInfo
    }

    /// The model folder (or the folder of the single file).
    public let directory: URL
    /// The opened files: one for a single-file checkpoint, one per shard (sorted by name) otherwise.
    public let files: [SafeTensorsFile]
    /// Whether the checkpoint was opened through an index.
    public let isSharded: Bool
    /// The index's `metadata` (e.g. `total_size`), numbers as their JSON text; empty for a single file.
    public let indexMetadata: [String: String]

    private let locations: [String: Location]

    /// Opens the checkpoint in `directory`, preferring `model.safetensors.index.json` when present.
    /// - Throws: `.checkpointNotFound`, index errors (`.indexMalformed`, `.unsafeShardName`,
    ///   `.missingShard`, `.tensorNotInShard`) or any error of `SafeTensorsFile`.
    public init(directory: URL) throws {
        let index = directory.appendingPathComponent(Self.indexFileName)
        let single = directory.appendingPathComponent(Self.singleFileName)
        if FileManager.default.fileExists(atPath: index.path) {
            try self.init(directory: directory, index: index)
        } else if FileManager.default.fileExists(atPath: single.path) {
            try self.init(file: single)
        } else {
            throw SafeTensorsError.checkpointNotFound(directory: directory.path)
        }
    }

    /// Opens a single SafeTensors file as a checkpoint.
    public init(file url: URL) throws {
        let file = try SafeTensorsFile(url: url)
        directory = url.deletingLastPathComponent()
        files = [file]
        isSharded = false
        indexMetadata = [:]
        locations = file.tensors.mapValues { Location(file: file, info: $0) }
    }

    private init(directory: URL, index: URL) throws {
        let parsed = try SafeTensorsIndex(url: index)
        var shards: [String: SafeTensorsFile] = [:]
        var locations: [String: Location] = [:]
        for (tensor, shard) in parsed.weightMap {
            let file: SafeTensorsFile
            if let opened = shards[shard] {
                file = opened
            } else {
                let url = directory.appendingPathComponent(shard)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw SafeTensorsError.missingShard(shard: shard, tensor: tensor)
                }
                file = try SafeTensorsFile(url: url)
                shards[shard] = file
            }
            guard let info = file.tensors[tensor] else {
                throw SafeTensorsError.tensorNotInShard(tensor: tensor, shard: shard)
            }
            locations[tensor] = Location(file: file, info: info)
        }
        self.directory = directory
        self.files = shards.keys.sorted().map { shards[$0]! }
        self.isSharded = true
        self.indexMetadata = parsed.metadata
        self.locations = locations
    }

    /// All tensor names, sorted.
    public var names: [String] { locations.keys.sorted() }

    /// Whether the checkpoint holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { locations[name] != nil }

    /// The file holding tensor `name` and its description there.
    /// - Throws: `.missingTensor`.
    public func tensor(_ name: String) throws -> (file: SafeTensorsFile, info: SafeTensorInfo) {
        guard let location = locations[name] else { throw SafeTensorsError.missingTensor(name) }
        return (location.file, location.info)
    }

    /// Checks that every name is present, reporting all missing ones at once (in the order given).
    /// - Throws: `.missingTensors`.
    public func require(_ names: [String]) throws {
        var reported = Set<String>()
        let missing = names.filter { locations[$0] == nil && reported.insert($0).inserted }
        if !missing.isEmpty { throw SafeTensorsError.missingTensors(missing) }
    }

    /// The elements of tensor `name` as `Float` (see `SafeTensorsFile.floats(_:)`).
    public func floats(_ name: String) throws -> [Float] {
        try tensor(name).file.floats(name)
    }
}
