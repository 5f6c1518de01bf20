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
