import Foundation
import GlimpseServer
import HummingbirdTesting
import Testing

/// `GET /api/search` with nothing to look for: the photos the filters leave, in the order taken.
@Suite("server: listing by dates and filters")
struct ListingRouteTests {
    @Test("q that only says when answers with the photos taken then, unranked; with something to leave out it is a clear 400")
    func dateAlone() async throws {
        let fixture = try ServerFixture()
        try fixture.library.store.recordDatesTaken([(fixture.id("knife.jpg"), "2019-07-14T15:02:11")])
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=photos+from+2019", method: .get) { response in
                #expect(response.status == .ok)
                let document = try SearchRouteTests.json(response)
                #expect(SearchRouteTests.paths(document) == ["knife.jpg"])
                #expect((document["rankers"] as? [String])?.isEmpty == true)
                #expect((document["notes"] as? [String])?.contains { $0.hasPrefix("Nothing to look for but the date") } == true, "\(document)")
            }
            try await client.execute(uri: "/api/search?q=in+2019+but+no+knife", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("says when the photos were taken (2019) but not what they show"))
            }
        }
    }

    @Test("an empty q with a filter lists what the filter leaves, dated photos first; with no filter it is a clear 400")
    func emptyQuery() async throws {
        let fixture = try ServerFixture()
        try fixture.library.store.recordDatesTaken([(fixture.id("knife.jpg"), "2019-07-14T15:02:11")])
        let folder = try #require(fixture.folder.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=&in=\(folder)&limit=100", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let paths = SearchRouteTests.paths(try SearchRouteTests.json(response))
                #expect(paths.count == 5 && paths.first == "knife.jpg", "every image of the folder, the dated one first: \(paths)")
            }
            try await client.execute(uri: "/api/search?q=&taken=2019", method: .get) { response in
                let document = try SearchRouteTests.json(response)
                #expect(SearchRouteTests.paths(document) == ["knife.jpg"])
            }
            try await client.execute(uri: "/api/search?q=&in=\(folder)&limit=100&order=newest", method: .get) { response in
                let paths = SearchRouteTests.paths(try SearchRouteTests.json(response))
                #expect(paths.count == 5 && paths.first == "knife.jpg", "the only dated photo is also the newest: \(paths)")
            }
            try await client.execute(uri: "/api/search?q=&in=\(folder)&order=sideways", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("order is newest or oldest"))
            }
            try await client.execute(uri: "/api/search?q=&strict=true", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("or leave it empty with a filter"))
            }
        }
    }
}
