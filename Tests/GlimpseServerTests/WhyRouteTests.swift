import Foundation
import GlimpseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/images/{id}/why`: where one image stands for a query, through the router with a real index.
@Suite("server: why an image stands where it does")
struct WhyRouteTests {
    @Test("the penalised cartoon: its rank, each ranker, the penalty; strict leaves it out; errors say what is wrong")
    func why() async throws {
        let fixture = try ServerFixture()
        let cartoon = fixture.id("cartoon.png")
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/images/\(cartoon)/why?q=a+dog+on+a+couch%2C+but+no+cartoon", method: .get) { response in
                #expect(response.status == .ok)
                let document = try SearchRouteTests.json(response)
                #expect(document["rank"] as? Int == 2 && document["excluded"] as? Bool == false)
                #expect((document["path"] as? String)?.hasSuffix("cartoon.png") == true)
                let rankers = try #require(document["rankers"] as? [[String: Any]])
                #expect(rankers.contains { $0["ranker"] as? String == "fullText" && $0["rank"] as? Int != nil })
                let penalties = (document["explanation"] as? [String: Any])?["penalties"] as? [[String: Any]]
                #expect(penalties?.first?["concept"] as? String == "cartoon")
            }
            try await client.execute(uri: "/api/images/\(cartoon)/why?q=dog+couch+but+no+cartoon&strict=true", method: .get) { response in
                let document = try SearchRouteTests.json(response)
                #expect(document["rank"] == nil && document["excluded"] as? Bool == true)
            }
            for (uri, status, message) in [
                ("/api/images/99999/why?q=dog", HTTPResponse.Status.notFound, "no description for image 99999"),
                ("/api/images/\(cartoon)/why", .badRequest, "parameter q"),
                ("/api/images/x/why?q=dog", .badRequest, "whole number"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    #expect(String(buffer: response.body).contains(message), "\(uri): \(String(buffer: response.body))")
                }
            }
        }
    }
}
