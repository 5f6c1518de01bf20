import Crypto
import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseHub

@Suite("Pulling models from a hub", .serialized)
struct ModelPullerTests {
    let repository = "glimpse-test/tiny-model"
    let weights: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    let config = Array(#"{"model_type": "bert"}"#.utf8)

    var weightsSHA: String { SHA256.hash(data: weights).map { String(format: "%02x", $0) }.joined() }

    /// A server, a fresh cache, and a puller pointed at both.
    func setUp(readTimeout: Duration = .seconds(10)) throws -> (TestHubServer, ModelPuller, URL) {
        let server = try TestHubServer()
        let cache = FileManager.default.temporaryDirectory.appending(path: "glimpse-hub-\(UUID())")
        let directories = GlimpseDirectories(cache: cache, data: cache.appending(path: "data"))
        let puller = ModelPuller(endpoint: HubEndpoint(baseURL: server.baseURL), directories: directories, readTimeout: readTimeout)
        return (server, puller, cache)
    }

    func serveModel(_ server: TestHubServer, weightsFault: TestHubServer.Fault? = nil, linkedEtag: String? = nil) {
        server.serve(repository, file: "config.json", .init(body: config))
        server.serve(repository, file: "model.safetensors", .init(
            body: weights,
            headers: [("X-Linked-Etag", "\"\(linkedEtag ?? weightsSHA)\""), ("X-Linked-Size", "\(weights.count)"), ("X-Repo-Commit", "abc123")],
            redirectTo: "/cdn/weights-blob", fault: weightsFault))
    }

    @Test("a full download puts verified files in the hub layout and records them")
    func fullDownload() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server)
        let folder = try await puller.pull(repository: repository, files: ["config.json", "model.safetensors"])
        #expect(folder.lastPathComponent == "glimpse-test--tiny-model")
        #expect(try Data(contentsOf: folder.appending(path: "model.safetensors")) == Data(weights))
        #expect(try Data(contentsOf: folder.appending(path: "config.json")) == Data(config))
        let manifest = try #require(ModelManifest.read(in: folder))
        #expect(manifest.files["model.safetensors"]?.sha256 == weightsSHA)
        #expect(manifest.verify(in: folder).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "model.safetensors.partial").path))
        // A second pull finds everything verified and fetches nothing.
        let before = server.log.filter { $0.hasPrefix("GET") }.count
        try await puller.pull(repository: repository, files: ["config.json", "model.safetensors"])
        #expect(server.log.filter { $0.hasPrefix("GET") }.count == before)
    }

    @Test("an interrupted download resumes with a Range request")
    func resumes() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server, weightsFault: .truncateOnce(after: 100_000))
        await #expect(throws: HubError.self) {
            try await puller.pull(repository: repository, files: ["model.safetensors"])
        }
        let folder = puller.directories.modelFolder(repository: repository)
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "model.safetensors").path))
        // The server sent 100,000 bytes and hung up; how many arrived before the error depends on timing.
        let kept = try #require(FileDownloader.size(of: folder.appending(path: "model.safetensors.partial")))
        #expect(kept <= 100_000)
        try await puller.pull(repository: repository, files: ["model.safetensors"])
        #expect(try Data(contentsOf: folder.appending(path: "model.safetensors")) == Data(weights))
        // Whatever arrived is not fetched again (a Range request), unless nothing arrived at all.
        #expect(server.log.contains(kept > 0 ? "GET /cdn/weights-blob bytes=\(kept)-" : "GET /cdn/weights-blob"))
    }

    @Test("a wrong checksum is rejected and the bad bytes are deleted")
    func wrongChecksum() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server, linkedEtag: String(repeating: "ab", count: 32))
        await #expect {
            try await puller.pull(repository: repository, files: ["model.safetensors"])
        } throws: { error in
            guard case HubError.checksumMismatch(let file, _, let actual) = error else { return false }
            return file == "model.safetensors" && actual == weightsSHA
        }
        let folder = puller.directories.modelFolder(repository: repository)
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "model.safetensors").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "model.safetensors.partial").path))
    }

    @Test("404 and 500 answers are errors that say what happened")
    func errorStatuses() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        server.serve(repository, file: "broken.json", .init(body: config, fault: .status(500)))
        await #expect {
            try await puller.pull(repository: repository, files: ["missing.json"])
        } throws: { error in
            guard case HubError.httpStatus(_, 404) = error else { return false }
            return error.localizedDescription.contains("does not exist")
        }
        await #expect {
            try await puller.pull(repository: repository, files: ["broken.json"])
        } throws: { error in
            guard case HubError.httpStatus(_, 500) = error else { return false }
            return error.localizedDescription.contains("try again")
        }
    }

    @Test("a server that stalls times out instead of hanging")
    func stall() async throws {
        let (server, puller, cache) = try setUp(readTimeout: .seconds(1))
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server, weightsFault: .stall)
        let start = ContinuousClock.now
        await #expect(throws: HubError.self) {
            try await puller.pull(repository: repository, files: ["model.safetensors"])
        }
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test("two pulls of one model at once: one waits, both succeed, the file is fetched once")
    func concurrentPulls() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server)
        async let first = puller.pull(repository: repository, files: ["config.json", "model.safetensors"])
        async let second = puller.pull(repository: repository, files: ["config.json", "model.safetensors"])
        let folders = try await [first, second]
        #expect(folders[0] == folders[1])
        #expect(try Data(contentsOf: folders[0].appending(path: "model.safetensors")) == Data(weights))
        #expect(server.log.filter { $0.hasPrefix("GET /cdn/weights-blob") }.count == 1)
    }

    @Test("a cache that cannot be written is a clear error")
    func unwritableCache() async throws {
        let server = try TestHubServer()
        defer { server.stop() }
        let blocker = FileManager.default.temporaryDirectory.appending(path: "glimpse-hub-file-\(UUID())")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let puller = ModelPuller(endpoint: HubEndpoint(baseURL: server.baseURL),
                                 directories: GlimpseDirectories(cache: blocker.appending(path: "cache"), data: blocker))
        await #expect {
            try await puller.pull(repository: repository, files: ["config.json"])
        } throws: { error in
            guard case HubError.cacheNotWritable = error else { return false }
            return error.localizedDescription.contains("GLIMPSE_CACHE_DIR")
        }
    }

    @Test("the endpoint and token come from HF_ENDPOINT and HF_TOKEN")
    func environment() {
        let endpoint = HubEndpoint(environment: ["HF_ENDPOINT": "http://127.0.0.1:9/", "HF_TOKEN": "secret"])
        #expect(endpoint.baseURL == "http://127.0.0.1:9")
        #expect(endpoint.token == "secret")
        #expect(endpoint.fileURL(repository: "a/b", revision: "main", file: "dir/x y.json") == "http://127.0.0.1:9/a/b/resolve/main/dir/x%20y.json")
        #expect(HubEndpoint(environment: [:]).baseURL == "https://huggingface.co")
    }
}

extension ModelPullerTests {
    @Test("optional files the repository lacks are skipped; required ones are not")
    func optionalFiles() async throws {
        let (server, puller, cache) = try setUp()
        defer { server.stop(); try? FileManager.default.removeItem(at: cache) }
        serveModel(server)
        let folder = try await puller.pull(repository: repository, files: ["config.json"], optionalFiles: ["tokenizer_config.json"])
        #expect(FileManager.default.fileExists(atPath: folder.appending(path: "config.json").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "tokenizer_config.json").path))
    }
}
