import Foundation
import Testing
@testable import GlimpseModels

/// A temporary folder that test code fills with hub-layout files.
private struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String = "") throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

@Suite("Model directory")
struct ModelDirectoryTests {
    @Test("a directory that does not exist is refused")
    func notFound() {
        let url = URL(fileURLWithPath: "/nonexistent/glimpse-\(UUID().uuidString)")
        #expect(throws: ModelsError.directoryNotFound(url)) { try ModelDirectory(url: url) }
    }

    @Test("a file is not a model directory")
    func notADirectory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", "{}")
        let file = folder.url.appendingPathComponent("config.json")
        #expect(throws: ModelsError.notADirectory(file.standardizedFileURL)) { try ModelDirectory(url: file) }
    }

    @Test("missing weights are reported by name")
    func missingWeights() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", #"{"model_type": "sam"}"#)
        try folder.write("preprocessor_config.json", #"{"image_processor_type": "SamImageProcessor"}"#)
        let directory = try ModelDirectory(url: folder.url)
        #expect(!directory.hasWeights)
        #expect(directory.weightsURL == nil)
        let missing = try directory.missingFiles()
        #expect(missing == [MissingModelFile(role: .weights, names: ["model.safetensors"], alternatives: ["model.safetensors.index.json"])])
        #expect(missing.first?.description == "model.safetensors (or model.safetensors.index.json)")
        do {
            try directory.validate(for: .sam)
            Issue.record("validate passed without weights")
        } catch let error as ModelsError {
            guard case .missingFiles(let names, _, "sam") = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(names == ["model.safetensors (or model.safetensors.index.json)"])
            #expect(error.errorDescription?.contains("model.safetensors") == true)
        }
        #expect(throws: ModelsError.missingFile("model.safetensors", directory: directory.url)) {
            try directory.weightFiles()
        }
    }

    @Test("an empty directory lacks everything a family needs", arguments: ModelType.allCases)
    func emptyDirectory(_ type: ModelType) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let directory = try ModelDirectory(url: folder.url)
        let roles = directory.missingFiles(for: type).map(\.role)
        #expect(roles == type.requiredFiles.map(\.role))
        #expect(roles.contains(.tokenizer) == (type != .sam))
        #expect(roles.contains(.preprocessor) == (type != .bert))
        #expect(throws: ModelsError.missingFile("config.json", directory: directory.url)) {
            try directory.configuration()
        }
    }

    @Test("a complete CLIP directory reports nothing missing and exposes its files")
    func completeCLIP() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", try String(decoding: Fixtures.data("configs", "clip-partial.input"), as: UTF8.self))
        try folder.write("preprocessor_config.json", #"{"size": 336, "crop_size": 336}"#)
        for name in ["model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            try folder.write(name)
        }
        let directory = try ModelDirectory(url: folder.url)
        #expect(directory.missingFiles(for: .clip).isEmpty)
        try directory.validate(for: .clip)
        #expect(directory.hasWeights)
        #expect(try directory.weightFiles() == [folder.url.appendingPathComponent("model.safetensors").standardizedFileURL])
        #expect(directory.configURL?.lastPathComponent == "config.json")
        #expect(directory.vocabJSONURL != nil && directory.mergesURL != nil && directory.specialTokensMapURL != nil)
        #expect(directory.tokenizerURL == nil && directory.vocabTextURL == nil && directory.weightsIndexURL == nil)
        guard case .clip(let clip) = try directory.configuration() else {
            Issue.record("not CLIP")
            return
        }
        #expect(clip.visionConfig.patchSize == 14)
        // The preprocessor file names no processor: config.json's model_type decides.
        let preprocessor = try directory.preprocessorConfiguration()
        #expect(preprocessor.kind == .clip)
        #expect(preprocessor.size == .shortestEdge(336))
    }

    @Test("half a BPE tokenizer reports the other half first")
    func partialTokenizer() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("vocab.json", "{}")
        let missing = try ModelDirectory(url: folder.url).missingFiles(for: .clip).filter { $0.role == .tokenizer }
        #expect(missing == [MissingModelFile(role: .tokenizer, names: ["merges.txt"], alternatives: ["tokenizer.json"])])
    }

    @Test("sharded weights: the index's shards are listed, and missing ones reported")
    func shardedWeights() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", #"{"model_type": "bert"}"#)
        try folder.write("vocab.txt", "[PAD]\n")
        try folder.write("model.safetensors.index.json", #"""
            {"metadata": {"total_size": 8}, "weight_map": {"a": "model-00002-of-00002.safetensors",
             "b": "model-00001-of-00002.safetensors", "c": "model-00001-of-00002.safetensors"}}
            """#)
        try folder.write("model-00001-of-00002.safetensors")
        let directory = try ModelDirectory(url: folder.url)
        #expect(directory.hasWeights)
        #expect(try directory.missingFiles() == [MissingModelFile(role: .weights, names: ["model-00002-of-00002.safetensors"])])
        #expect(throws: ModelsError.missingFile("model-00002-of-00002.safetensors", directory: directory.url)) {
            try directory.weightFiles()
        }
        try folder.write("model-00002-of-00002.safetensors")
        #expect(try directory.missingFiles().isEmpty)
        #expect(try directory.weightFiles().map(\.lastPathComponent) == [
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
        ])
    }

    @Test("an index that points outside the directory is refused")
    func shardOutside() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("model.safetensors.index.json", #"{"weight_map": {"a": "../elsewhere.safetensors"}}"#)
        let directory = try ModelDirectory(url: folder.url)
        #expect {
            try directory.weightFiles()
        } throws: { error in
            guard case ModelsError.invalidConfiguration("model.safetensors.index.json", "weight_map", _) = error else {
                return false
            }
            return true
        }
    }

    @Test("a config.json that is not JSON is reported as malformed, naming the file")
    func malformedConfig() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", "<html>404</html>")
        let directory = try ModelDirectory(url: folder.url)
        #expect {
            try directory.configuration()
        } throws: { error in
            guard case ModelsError.malformedJSON("config.json", _) = error else { return false }
            return true
        }
    }

    @Test("a wrong nested type in config.json names the path")
    func wrongTypeInDirectory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("config.json", #"{"model_type": "blip", "vision_config": {"hidden_size": "big"}}"#)
        let directory = try ModelDirectory(url: folder.url)
        #expect {
            try directory.configuration()
        } throws: { error in
            guard case ModelsError.invalidConfiguration("config.json", "vision_config.hidden_size", _) = error else {
                return false
            }
            return true
        }
    }

    @Test("a directory named as a file is not taken for the file")
    func directoryInPlaceOfFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("model.safetensors"), withIntermediateDirectories: false)
        let directory = try ModelDirectory(url: folder.url)
        #expect(!directory.hasWeights)
        #expect(directory.url(for: .weights) == nil)
    }

    @Test("symbolic links to files count, as in the hub cache's snapshot folders")
    func symbolicLinks() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("blob", "{}")
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("tokenizer.json"), withDestinationURL: folder.url.appendingPathComponent("blob"))
        let directory = try ModelDirectory(url: folder.url)
        #expect(directory.tokenizerURL != nil)
        #expect(directory.missingFiles(for: .bert).allSatisfy { $0.role != .tokenizer })
    }
}
