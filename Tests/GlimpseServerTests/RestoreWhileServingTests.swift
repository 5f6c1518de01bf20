import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
import HummingbirdTesting
import Testing
@testable import GlimpseServer

/// A server running while `glimpse restore` replaces its index.
@Suite("server: an index restored while it serves")
struct RestoreWhileServingTests {
    @Test("the next request answers from the restored index; without a way to reopen, the old one goes on")
    func restoredIndex() async throws {
        let fixture = try ServerFixture()
        let url = try #require(fixture.store.url)
        let backup = fixture.folder.appending(path: "backup.sqlite")
        _ = try IndexBackup.write(fixture.store, to: backup)
        try fixture.add("giraffe.jpg", data: JPEGEncoder.encode(ServerFixture.gradient(width: 32, height: 32)),
                        caption: "a giraffe eating leaves", size: PixelSize(width: 32, height: 32))

        let reopening = SearchLibrary(store: fixture.store, searcher: Searcher(index: fixture.store, keywords: PlainKeywords())) {
            let store = try SQLiteIndexStore(url: url)
            return SearchLibrary.Index(store: store, searcher: Searcher(index: store, keywords: PlainKeywords()))
        }
        let fixed = SearchLibrary(store: fixture.store, searcher: Searcher(index: fixture.store, keywords: PlainKeywords()))
        let dog = fixture.id("dog.jpg")
        try await buildApplication(library: reopening).test(.router) { client in
            #expect(try await Self.found(client, "giraffe") == ["giraffe.jpg"])
            try await client.execute(uri: "/api/images/\(dog)/thumbnail?size=64", method: .get) { #expect($0.status == .ok) }
            #expect(reopening.thumbnails.heldBytes > 0)

            let report = try IndexBackup.restore(from: backup, to: url)
            #expect(report.images == 5)
            #expect(try await Self.found(client, "giraffe") == [], "the restored index predates the giraffe")
            #expect(try await Self.found(client, "cutting board") == ["knife.jpg"])
            #expect(reopening.thumbnails.heldBytes == 0, "thumbnails of the replaced index are dropped")
            try await client.execute(uri: "/api/status", method: .get) { response in
                let document = try SearchRouteTests.json(response)
                #expect((document["images"] as? [String: Any])?["total"] as? Int == 5, "\(document)")
            }
            try await client.execute(uri: "/api/images/\(dog)/thumbnail?size=64", method: .get) { #expect($0.status == .ok) }
        }
        try await buildApplication(library: fixed).test(.router) { client in
            let found = try await Self.found(client, "giraffe")
            #expect(found == ["giraffe.jpg"], "the store opened first, read to the end")
        }
    }

    /// The file names `/api/search?q=` finds for `query`.
    static func found(_ client: some TestClientProtocol, _ query: String) async throws -> [String] {
        let encoded = query.replacingOccurrences(of: " ", with: "+")
        return try await client.execute(uri: "/api/search?q=\(encoded)", method: .get) { response in
            SearchRouteTests.paths(try SearchRouteTests.json(response))
        }
    }
}
