import Foundation
import Testing

/// Runs the real `glimpse` executable, as a user would.
@Suite("glimpse doctor")
struct DoctorCommandTests {
    struct Run {
        var status: Int32
        var output: String
    }

    /// The built `glimpse` in the build folder that holds this test binary.
    static var executable: URL {
        let testBinary = Bundle.main.executableURL ?? URL(filePath: CommandLine.arguments[0])
        var folder = testBinary.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: folder.appending(path: "glimpse").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appending(path: "glimpse")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-doctor-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("reports ONNX Runtime, directories and models, and passes when the runtime works")
    func healthy() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let run = try Self.run(["doctor"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                         "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("[ok  ] ONNX Runtime: 1."))
        #expect(run.output.contains("model openai/clip-vit-base-patch32"))
        #expect(run.output.contains("fix: Place the files"))
    }

    @Test("JSON output lists every check with its status")
    func json() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        // A model folder with every required file counts as present.
        let minilm = home.appending(path: "cache/models/sentence-transformers--all-MiniLM-L6-v2")
        try FileManager.default.createDirectory(at: minilm, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors", "vocab.txt"] {
            try Data("{}".utf8).write(to: minilm.appending(path: file))
        }
        let run = try Self.run(["doctor", "--json"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                                   "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: String]])
        let byName = Dictionary(uniqueKeysWithValues: checks.map { ($0["name"] ?? "", $0["status"] ?? "") })
        #expect(byName["ONNX Runtime"] == "ok")
        #expect(byName["data directory"] == "ok")
        #expect(byName["model sentence-transformers/all-MiniLM-L6-v2"] == "ok")
        #expect(byName["model facebook/sam-vit-base"] == "warning")
    }

    @Test("a missing ONNX Runtime fails with the fix, and exit status 1")
    func missingRuntime() throws {
        let run = try Self.run(["doctor"], environment: ["GLIMPSE_ORT_LIBRARY": "/nonexistent/libonnxruntime.so"])
        #expect(run.status == 1)
        #expect(run.output.contains("[FAIL] ONNX Runtime"))
        #expect(run.output.contains("/nonexistent/libonnxruntime.so"))
        #expect(run.output.contains("scripts/bootstrap"))
    }

    @Test("an unwritable data directory fails and names the variable to change")
    func unwritableData() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let blocker = home.appending(path: "file")
        try Data("x".utf8).write(to: blocker)
        // A regular file where a folder is needed: not creatable even for root.
        let run = try Self.run(["doctor"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                         "GLIMPSE_DATA_DIR": blocker.appending(path: "data").path])
        #expect(run.status == 1)
        #expect(run.output.contains("[FAIL] data directory"))
        #expect(run.output.contains("GLIMPSE_DATA_DIR"))
    }

    @Test("--version prints the version")
    func version() throws {
        let run = try Self.run(["--version"])
        #expect(run.status == 0)
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}

@Suite("glimpse embed sentence")
struct EmbedSentenceCommandTests {
    private var modelFolder: String {
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) { folder = folder.deletingLastPathComponent() }
        return folder.appending(path: ".deps/test-data/all-MiniLM-L6-v2").path
    }

    @Test("prints one JSON document per text with a unit-length 384-dimensional vector")
    func json() throws {
        let run = try DoctorCommandTests.run(["embed", "sentence", "a puppy", "a knife", "--model", modelFolder, "--json"])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let vector = try #require(document["embedding"] as? [Double])
            #expect(vector.count == 384)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
    }

    @Test("a missing model folder is a clear error, not a crash")
    func missingModel() throws {
        let run = try DoctorCommandTests.run(["embed", "sentence", "x"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("sentence-transformers/all-MiniLM-L6-v2"))
        #expect(run.output.contains("--model"))
    }
}

@Suite("glimpse embed text")
struct EmbedTextCommandTests {
    @Test("without the CLIP model: names the model, the folder and the option")
    func missingModel() throws {
        let run = try DoctorCommandTests.run(["embed", "text", "a cat"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("openai/clip-vit-base-patch32"))
        #expect(run.output.contains("/nonexistent-glimpse-cache/models/openai--clip-vit-base-patch32"))
        #expect(run.output.contains("--clip"))
    }

    @Test("a folder that is not a CLIP model is a clear error")
    func notAModel() throws {
        let run = try DoctorCommandTests.run(["embed", "text", "a cat", "--clip", "/nonexistent-folder"])
        #expect(run.status != 0)
        #expect(run.output.contains("/nonexistent-folder"))
    }
}

@Suite("glimpse embed image and rank")
struct EmbedImageCommandTests {
    private var packageRoot: URL {
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) { folder = folder.deletingLastPathComponent() }
        return folder
    }

    private var tinyCLIP: URL { packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-clip") }

    @Test("prints a unit-length vector per image, and reports a broken file without stopping")
    func embedsAndReportsBrokenFiles() throws {
        let image = tinyCLIP.appending(path: "reference_image.png").path
        let broken = tinyCLIP.appending(path: "config.json").path
        let run = try DoctorCommandTests.run(["embed", "image", image, broken, image, "--clip", tinyCLIP.path, "--json"])
        #expect(run.status == 1)
        let documents = run.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(documents.count == 2)
        for document in documents {
            let vector = try #require(document["embedding"] as? [Double])
            #expect(vector.count == 20)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        #expect(run.output.contains("config.json"))
    }

    @Test("rank without the CLIP model names the model and the option")
    func rankMissingModel() throws {
        let run = try DoctorCommandTests.run(["rank", "x.jpg", "a cat", "a dog"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("openai/clip-vit-base-patch32"))
        #expect(run.output.contains("--clip"))
    }

    @Test("rank with a model that has no tokenizer says which files are missing")
    func rankWithoutTokenizer() throws {
        let run = try DoctorCommandTests.run(["rank", tinyCLIP.appending(path: "reference_image.png").path, "a cat", "--clip", tinyCLIP.path])
        #expect(run.status != 0)
        #expect(run.output.contains("vocab.json"))
    }
}
