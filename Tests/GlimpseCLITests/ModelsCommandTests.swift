import Foundation
import Testing

@Suite("glimpse models")
struct ModelsCommandTests {
    @Test("list shows every known model with its role, default mark and presence")
    func list() throws {
        let cache = FileManager.default.temporaryDirectory.appending(path: "glimpse-models-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let run = try GlimpseProcess.run(["models", "list"], environment: ["GLIMPSE_CACHE_DIR": cache.path])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("clip-vit-b32") && $0.contains("default") && $0.contains("missing") })
        #expect(lines.contains { $0.hasPrefix("sam-vit-h") && $0.contains("facebook/sam-vit-huge") })
        #expect(run.output.contains(cache.appending(path: "models").path))
    }

    @Test("an unknown model name is an error that lists the known names")
    func unknownName() throws {
        let run = try GlimpseProcess.run(["models", "pull", "no-such-model"])
        #expect(run.status != 0)
        #expect(run.output.contains("no-such-model"))
        #expect(run.output.contains("clip-vit-b32"))
    }

    @Test("pull reports an unreachable hub clearly and leaves no complete-looking file")
    func unreachableHub() throws {
        let cache = FileManager.default.temporaryDirectory.appending(path: "glimpse-models-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        // Port 9 (discard) on the loopback interface: nothing listens there.
        let run = try GlimpseProcess.run(["models", "pull", "minilm"], environment: ["GLIMPSE_CACHE_DIR": cache.path,
                                                                                     "HF_ENDPOINT": "http://127.0.0.1:9"])
        #expect(run.status != 0)
        #expect(run.output.contains("HF_ENDPOINT"))
        let folder = cache.appending(path: "models/sentence-transformers--all-MiniLM-L6-v2")
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "model.safetensors").path))
    }
}

@Suite("Missing models")
struct MissingModelTests {
    @Test("without a terminal the command does not ask: it names the model, the pull command and --yes")
    func noTerminal() throws {
        let run = try GlimpseProcess.run(["embed", "sentence", "x"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("glimpse models pull sentence-transformers/all-MiniLM-L6-v2"))
        #expect(run.output.contains("--yes"))
    }

    @Test("--yes downloads the missing model first; offline that fails with one clear message")
    func yesOffline() throws {
        let cache = FileManager.default.temporaryDirectory.appending(path: "glimpse-missing-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let run = try GlimpseProcess.run(["embed", "sentence", "x", "--yes"],
                                         environment: ["GLIMPSE_CACHE_DIR": cache.path, "HF_ENDPOINT": "http://127.0.0.1:9"])
        #expect(run.status != 0)
        #expect(run.output.contains("http://127.0.0.1:9/sentence-transformers/all-MiniLM-L6-v2/resolve/main/"))
        #expect(run.output.contains("HF_ENDPOINT"))
    }
}
