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
            let process = Process()
            process.executableURL = GlimpseProcess.executable
            process.arguments = ["serve", "--text-only", "--port", "0", "--index", index]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = Pipe()
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            let line = try Self.firstLine(of: output.fileHandleForReading, containing: "Serving")
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

    @Test("a missing index is a clear error before anything listens")
    func missingIndex() throws {
        let run = try GlimpseProcess.run(["serve", "--text-only", "--port", "0", "--index", "/nonexistent/glimpse/index.sqlite"])
        #expect(run.status != 0)
        #expect(run.output.contains("/nonexistent/glimpse/index.sqlite") && !run.output.contains("Serving"), "\(run.output)")
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
