import Foundation
import GlimpseImage
import GlimpseServer
import HummingbirdTesting
import Testing

/// The server on a real socket, with a real HTTP client.
@Suite("server: over real HTTP")
struct LiveServerTests {
    @Test("search and a thumbnail over a loopback connection")
    func live() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library, port: 0).test(.live) { client in
            try await client.execute(uri: "/api/search?q=cutting+board", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("knife.jpg"))
            }
            try await client.execute(uri: "/api/images/\(fixture.id("dog.jpg"))/thumbnail?size=64", method: .get) { response in
                let image = try ImageDecoder.decode(Data(buffer: response.body))
                #expect(image.width == 64)
            }
        }
    }

    @Test("many clients at once get the answers each would get alone")
    func concurrentClients() async throws {
        let fixture = try ServerFixture()
        let queries = ["dog+couch", "knife", "cutting+board", "blue+collar", "cartoon+illustration", "brown+dog"]
        try await buildApplication(library: fixture.library, port: 0).test(.ahc(.http)) { client in
            var alone: [String: String] = [:]
            for query in queries {
                alone[query] = try await client.execute(uri: "/api/search?q=\(query)", method: .get) { Self.paths($0) }
            }
            let together = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for round in 0..<4 {
                    for query in queries {
                        group.addTask {
                            if round % 2 == 0 {  // thumbnails in between, as a results page asks for them
                                _ = try await client.execute(uri: "/api/images/\(fixture.id("knife.jpg"))/thumbnail", method: .get)
                            }
                            return (query, try await client.execute(uri: "/api/search?q=\(query)", method: .get) { Self.paths($0) })
                        }
                    }
                }
                return try await group.reduce(into: [(String, String)]()) { $0.append($1) }
            }
            #expect(together.count == 4 * queries.count)
            for (query, paths) in together { #expect(paths == alone[query], "\(query)") }
        }
    }

    @Test("an image saved while the server runs is found by the next query")
    func seesNewImages() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library, port: 0).test(.live) { client in
            try await client.execute(uri: "/api/search?q=giraffe", method: .get) { response in
                #expect(!String(buffer: response.body).contains("giraffe.jpg"))
            }
            try fixture.add("giraffe.jpg", data: JPEGEncoder.encode(ServerFixture.gradient(width: 32, height: 32)),
                            caption: "a giraffe eating leaves", size: PixelSize(width: 32, height: 32))
            try await client.execute(uri: "/api/search?q=giraffe", method: .get) { response in
                #expect(Self.paths(response).hasPrefix(fixture.url("giraffe.jpg").path))
            }
        }
    }

    @Test("a port in use is an error that says so and how to choose another")
    func portInUse() async throws {
        let fixture = try ServerFixture()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let first = Task { try await serve(fixture.library, host: "127.0.0.1", port: 0, onListening: { continuation.yield($0) }) }
        defer { first.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        await #expect(throws: ServerError.addressInUse(host: "127.0.0.1", port: port)) {
            try await serve(fixture.library, host: "127.0.0.1", port: port)
        }
        #expect(ServerError.addressInUse(host: "127.0.0.1", port: port).localizedDescription.contains("--port"))
    }

    static func paths(_ response: TestResponse) -> String {
        let document = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return ((document?["results"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }.joined(separator: "\n")
    }
}
