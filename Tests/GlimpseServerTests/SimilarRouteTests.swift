import Foundation
import GlimpseImage
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GlimpseServer

@Suite("server: similar images")
struct SimilarRouteTests {
    /// The fixture's images (all with the image embedding [1, 0]) and three more that lean away from it.
    static func fixture() throws -> ServerFixture {
        let fixture = try ServerFixture()
        let picture = try JPEGEncoder.encode(ServerFixture.gradient(width: 40, height: 30))
        for (name, embedding) in [("near.jpg", [Float(0.96), 0.28]), ("far.jpg", [0, 1]), ("sub/half.jpg", [0.6, 0.8])] {
            try FileManager.default.createDirectory(at: fixture.url(name).deletingLastPathComponent(), withIntermediateDirectories: true)
            try fixture.add(name, data: picture, caption: "a picture", size: PixelSize(width: 40, height: 30), image: embedding)
        }
        try fixture.add("plain.jpg", data: picture, caption: "no embedding", size: PixelSize(width: 40, height: 30), image: [])
        try fixture.store.prepareForSearch()
        return fixture
    }

    static func document(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func paths(_ document: [String: Any]) -> [String] {
        (document["results"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    }

    @Test("the images most like one, itself left out, best first; pages with offset; within a folder")
    func similar() async throws {
        let fixture = try Self.fixture()
        let far = fixture.id("far.jpg")
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/images/\(far)/similar?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let document = try Self.document(response)
                #expect(document["image"] as? Int == Int(far) && document["path"] as? String == fixture.url("far.jpg").path)
                #expect(Self.paths(document) == [fixture.url("sub/half.jpg").path, fixture.url("near.jpg").path])
                let similarities = (document["results"] as? [[String: Any]] ?? []).compactMap { $0["similarity"] as? Double }
                #expect(abs(similarities[0] - 0.8) < 1e-6 && abs(similarities[1] - 0.28) < 1e-6)
            }
            try await client.execute(uri: "/api/images/\(far)/similar?limit=2&offset=1", method: .get) { response in
                let results = try Self.document(response)["results"] as? [[String: Any]] ?? []
                #expect(results.first?["path"] as? String == fixture.url("near.jpg").path && results.first?["rank"] as? Int == 2)
            }
            let sub = fixture.url("sub").path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/api/images/\(fixture.id("dog.jpg"))/similar?in=\(sub)", method: .get) { response in
                let document = try Self.document(response)
                #expect(Self.paths(document) == [fixture.url("sub/half.jpg").path])
                #expect((document["notes"] as? [String])?.first?.hasPrefix("Searched within") == true)
            }
        }
    }

    @Test("an image without an embedding or an unknown ID is 404, a bad limit or folder 400, each with a message")
    func refusals() async throws {
        let fixture = try Self.fixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            for (uri, status, message) in [
                ("/api/images/\(fixture.id("plain.jpg"))/similar", HTTPResponse.Status.notFound, "no CLIP image embedding"),
                ("/api/images/99999/similar", .notFound, "no CLIP image embedding"),
                ("/api/images/x/similar", .badRequest, "whole number"),
                ("/api/images/1/similar?limit=0", .badRequest, "limit is a whole number"),
                ("/api/images/1/similar?in=photos", .badRequest, "absolute folder path"),
                ("/api/images/1/similar?rating=0", .badRequest, "rating is a whole number from 1 to 5"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    let error = try Self.document(response)["error"] as? String
                    #expect(error?.contains(message) == true, "\(uri): \(error ?? "")")
                }
            }
        }
    }
}
