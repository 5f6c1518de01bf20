import Foundation
import Testing
@testable import GlimpseRuntime

/// Single-file and sharded checkpoints in Hugging Face model folders.
@Suite("SafeTensors checkpoint")
struct SafeTensorsCheckpointTests {
    typealias Support = SafeTensorsTestSupport

    static let allNames = [
        "embeddings.position_ids", "embeddings.weight", "layer.0.dense.bias", "layer.0.dense.weight",
        "layer.1.dense.bias", "layer.1.dense.weight",
    ]

    @Test("a folder with model.safetensors")
    func single() throws {
        let checkpoint = try SafeTensorsCheckpoint(directory: Support.fixture("single"))
        #expect(!checkpoint.isSharded)
        #expect(checkpoint.files.count == 1)
        #expect(checkpoint.names == Self.allNames)
        let (file, info) = try checkpoint.tensor("layer.1.dense.weight")
        #expect(file.url.lastPathComponent == "model.safetensors")
        #expect(info.dtype == .float16 && info.shape == [4, 4])
    }

    @Test("a sharded folder resolves each tensor to its shard, with the same values")
    func sharded() throws {
        let sharded = try SafeTensorsCheckpoint(directory: Support.fixture("sharded"))
        let single = try SafeTensorsCheckpoint(directory: Support.fixture("single"))
        #expect(sharded.isSharded)
        #expect(sharded.files.map(\.url.lastPathComponent) == [
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
        ])
        #expect(sharded.names == Self.allNames)
        #expect(sharded.indexMetadata["total_size"] == "272")
        #expect(try sharded.tensor("embeddings.weight").file.url.lastPathComponent == "model-00001-of-00002.safetensors")
        #expect(try sharded.tensor("layer.1.dense.bias").file.url.lastPathComponent == "model-00002-of-00002.safetensors")
        for name in Self.allNames where name != "embeddings.position_ids" {
            #expect(try sharded.floats(name) == single.floats(name), "\(name)")
        }
        let (file, info) = try sharded.tensor("layer.0.dense.weight")
        #expect(info.fileOffset == file.dataSectionOffset)
    }

    @Test("require reports every missing name at once and ignores extra tensors")
    func require() throws {
        let checkpoint = try SafeTensorsCheckpoint(directory: Support.fixture("sharded"))
        #expect(throws: Never.self) { try checkpoint.require(["embeddings.weight", "layer.0.dense.bias"]) }
        #expect(throws: SafeTensorsError.missingTensors(["a.weight", "b.bias"])) {
            try checkpoint.require(["a.weight", "embeddings.weight", "b.bias", "a.weight"])
        }
        #expect(throws: SafeTensorsError.missingTensor("a.weight")) { try checkpoint.tensor("a.weight") }
        #expect(checkpoint.contains("embeddings.position_ids"))
    }

    @Test("the index is preferred over model.safetensors")
    func prefersIndex() throws {
        try Support.withTemporaryDirectory { directory in
            try copyFixtures(from: Support.fixture("sharded"), to: directory)
            try Support.write(Support.file(header: "{}"), to: directory, name: "model.safetensors")
            let checkpoint = try SafeTensorsCheckpoint(directory: directory)
            #expect(checkpoint.isSharded && checkpoint.names == Self.allNames)
        }
    }

    @Test("a folder without weights")
    func notFound() throws {
        try Support.withTemporaryDirectory { directory in
            #expect(throws: SafeTensorsError.checkpointNotFound(directory: directory.path)) {
                try SafeTensorsCheckpoint(directory: directory)
            }
        }
    }

    @Test("shard names that leave the folder are refused",
          arguments: ["../etc/passwd", "/etc/passwd", "sub/../../x.safetensors", "..", ".", "", "a\\b"])
    func unsafeShard(shard: String) throws {
        try withIndex(#"{"weight_map": {"w": "\#(shard.replacingOccurrences(of: "\\", with: "\\\\"))"}}"#) { directory in
            #expect(throws: SafeTensorsError.unsafeShardName(shard)) { try SafeTensorsCheckpoint(directory: directory) }
        }
    }

    @Test("an index naming a missing shard")
    func missingShard() throws {
        try withIndex(#"{"weight_map": {"w": "model-00009-of-00009.safetensors"}}"#) { directory in
            #expect(throws: SafeTensorsError.missingShard(shard: "model-00009-of-00009.safetensors", tensor: "w")) {
                try SafeTensorsCheckpoint(directory: directory)
            }
        }
    }

    @Test("an index placing a tensor in a shard that lacks it")
    func tensorNotInShard() throws {
        try withIndex(#"{"weight_map": {"w": "a.safetensors"}}"#) { directory in
            try Support.write(Support.file(header: "{}"), to: directory, name: "a.safetensors")
            #expect(throws: SafeTensorsError.tensorNotInShard(tensor: "w", shard: "a.safetensors")) {
                try SafeTensorsCheckpoint(directory: directory)
            }
        }
    }

    @Test("malformed indexes", arguments: [
        "", "not json", "[]", #"{"metadata": {}}"#, #"{"weight_map": []}"#, #"{"weight_map": {"w": 1}}"#,
        #"{"weight_map": {"w": "a", "w": "a"}}"#, #"{"metadata": "x", "weight_map": {}}"#,
    ])
    func malformedIndex(text: String) throws {
        try withIndex(text) { directory in
            let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(directory: directory) }
            guard case .indexMalformed(let path, _) = error else {
                Issue.record("expected indexMalformed, got \(error)")
                return
            }
            #expect(path.hasSuffix(SafeTensorsCheckpoint.indexFileName))
        }
    }

    @Test("a corrupt shard reports the file's own error")
    func corruptShard() throws {
        try withIndex(#"{"weight_map": {"w": "a.safetensors"}}"#) { directory in
            try Support.write([1, 2, 3], to: directory, name: "a.safetensors")
            #expect(throws: SafeTensorsError.fileTooSmall(file: "a.safetensors", size: 3)) {
                try SafeTensorsCheckpoint(directory: directory)
            }
        }
    }

    // MARK: Helpers

    private func withIndex(_ text: String, _ body: (URL) throws -> Void) throws {
        try Support.withTemporaryDirectory { directory in
            try Data(text.utf8).write(to: directory.appendingPathComponent(SafeTensorsCheckpoint.indexFileName))
            try body(directory)
        }
    }

    private func copyFixtures(from source: URL, to destination: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
        }
    }
}
