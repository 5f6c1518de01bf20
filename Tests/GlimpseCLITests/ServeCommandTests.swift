import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `glimpse serve` through the real binary: it prints its address, answers over HTTP, and stops cleanly.
@Suite("glimpse serve")
struct ServeCommandTests {
    @Test("serves the index on a free port, answers a search and the page, and exits 0 on SIGTERM")
    func serve() async throws {
        let (folder, index) = try ImportSearchCommandTests().makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let (process, line) = try Self.start(["--port", "0", "--index", index])
            defer { if process.isRunning { process.terminate() } }
            let address = String(try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }, "\(line)"))
            #expect(line.contains(index), "the line names the index: \(line)")

            let (data, response) = try await URLSession.shared.data(from: URL(string: address + "api/search?q=blue+collar")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let first = (document["results"] as? [[String: Any]])?.first?["path"] as? String
            #expect(first.map { URL(filePath: $0).lastPathComponent } == "b.jpg", "\(String(decoding: data, as: UTF8.self))")
            let (page, _) = try await URLSession.shared.data(from: URL(string: address)!)
            #expect(String(decoding: page, as: UTF8.self).contains("<title>Glimpse</title>"))

            process.terminate()  // SIGTERM: a graceful stop
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test("on a network address a random access token is required and printed in the address; GLIMPSE_SERVE_TOKEN sets one")
    func accessToken() async throws {
        let (folder, index) = try ImportSearchCommandTests().makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let (process, line) = try Self.start(["--host", "0.0.0.0", "--port", "0", "--index", index])
            defer { if process.isRunning { process.terminate() } }
            let address = String(try #require(line.split(separator: " ").first { $0.hasPrefix("http://0.0.0.0:") }, "\(line)"))
            let token = try #require(address.split(separator: "?token=").last.map(String.init))
            #expect(token.count == 48, "\(line)")
            let search = address.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1").replacingOccurrences(of: "/?token=\(token)", with: "/api/search?q=blue")
            #expect(try await Self.status(search) == 401)
            #expect(try await Self.status(search, bearer: token) == 200)
            process.terminate()
            process.waitUntilExit()
        }
        do {
            let chosen = "my-own-token-for-the-photos"
            let (process, line) = try Self.start(["--port", "0", "--index", index], environment: ["GLIMPSE_SERVE_TOKEN": chosen])
            defer { if process.isRunning { process.terminate() } }
            #expect(line.contains("/?token=$GLIMPSE_SERVE_TOKEN") && !line.contains(chosen), "the token is not printed: \(line)")
            let address = String(try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }, "\(line)"))
            let status = address.replacingOccurrences(of: "/?token=$GLIMPSE_SERVE_TOKEN", with: "/api/status")
            #expect(try await Self.status(status) == 401, "a local server with a token requires it")
            #expect(try await Self.status(status, bearer: chosen) == 200)
            process.terminate()
            process.waitUntilExit()
        }
        let weak = try GlimpseProcess.run(["serve", "--text-only", "--port", "0", "--index", index], environment: ["GLIMPSE_SERVE_TOKEN": "secret"])
        #expect(weak.status != 0 && weak.output.contains("at least 16 characters") && !weak.output.contains("Serving"), "\(weak.output)")
        let both = try GlimpseProcess.run(["serve", "--text-only", "--no-auth", "--index", index], environment: ["GLIMPSE_SERVE_TOKEN": "0123456789abcdef"])
        #expect(both.status != 0 && both.output.contains("contradict"), "\(both.output)")
    }

    @Test("a missing index is a clear error before anything listens")
    func missingIndex() throws {
        let run = try GlimpseProcess.run(["serve", "--text-only", "--port", "0", "--index", "/nonexistent/glimpse/index.sqlite"])
        #expect(run.status != 0)
        #expect(run.output.contains("/nonexistent/glimpse/index.sqlite") && !run.output.contains("Serving"), "\(run.output)")
    }

    /// Starts `glimpse serve --text-only` with `arguments`; returns the process and its line with the address.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = GlimpseProcess.executable
        process.arguments = ["serve", "--text-only"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        do {
            return (process, try firstLine(of: output.fileHandleForReading, containing: "Serving"))
        } catch {
            process.terminate()
            throw error
        }
    }

    /// The HTTP status of GET `address`, with `Authorization: Bearer` when a token is given.
    static func status(_ address: String, bearer: String? = nil) async throws -> Int? {
        var request = URLRequest(url: try #require(URL(string: address)))
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode
    }

    /// Reads `handle` until a line containing `text` arrives (at most a minute).
    static func firstLine(of handle: FileHandle, containing text: String) throws -> String {
        var received = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }  // the process ended
            received += String(decoding: chunk, as: UTF8.self)
            if let line = received.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no line with \"\(text)\" in: \(received)"])
    }
}
