import Foundation
import GlimpseImage
import HTTPTypes
@testable import GlimpseServer
import HummingbirdTesting
import Testing

/// `GET /api/images/{id}`, its thumbnail and its file, through the router with a real index and real files.
@Suite("server: images, thumbnails and files")
struct ImageRouteTests {
    @Test("a thumbnail is a JPEG of the requested size, tagged with the file's version, and cached")
    func thumbnail() async throws {
        let fixture = try ServerFixture()
        let id = fixture.id("knife.jpg")
        try await buildApplication(library: fixture.library).test(.router) { client in
            let tag = try await client.execute(uri: "/api/images/\(id)/thumbnail?size=100", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                let image = try ImageDecoder.decode(Data(buffer: response.body))
                #expect(image.width == 100 && image.height == 75, "640×480 scaled to a longest side of 100")
                return try #require(response.headers[.eTag])
            }
            #expect(fixture.library.thumbnails.heldBytes > 0)
            try await client.execute(uri: "/api/images/\(id)/thumbnail?size=100", method: .get,
                                     headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .notModified, "the browser's copy is current")
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/images/\(id)/thumbnail", method: .get) { response in
                let image = try ImageDecoder.decode(Data(buffer: response.body))
                #expect(image.width == 320, "the default longest side")
                #expect(response.headers[.eTag] != tag, "another size is another thumbnail")
            }
            // The file changes on disk: a new version, a new tag and a new picture.
            try JPEGEncoder.encode(ServerFixture.gradient(width: 300, height: 600)).write(to: fixture.url("knife.jpg"))
            try await client.execute(uri: "/api/images/\(id)/thumbnail?size=100", method: .get,
                                     headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != tag)
                let image = try ImageDecoder.decode(Data(buffer: response.body))
                #expect(image.width == 50 && image.height == 100)
            }
        }
    }

    @Test("a file that is gone is 404, one that is not an image 422, an unknown ID 404, each with a message")
    func badFiles() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            for (uri, status, message) in [
                ("/api/images/\(fixture.id("gone.jpg"))/thumbnail", HTTPResponse.Status.notFound, "is no longer there"),
                ("/api/images/\(fixture.id("gone.jpg"))/file", .notFound, "is no longer there"),
                ("/api/images/\(fixture.id("broken.jpg"))/thumbnail", .unprocessableContent, "not a JPEG"),
                ("/api/images/999/thumbnail", .notFound, "No described image has the ID 999"),
                ("/api/images/999", .notFound, "No described image has the ID 999"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    #expect(document?["error"]?.contains(message) == true, "\(uri): \(String(buffer: response.body))")
                }
            }
            // The server goes on answering after them.
            try await client.execute(uri: "/api/images/\(fixture.id("dog.jpg"))/thumbnail", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("the file itself, byte for byte, with its media type from its content")
    func file() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            for (name, type) in [("dog.jpg", "image/jpeg"), ("cartoon.png", "image/png")] {
                try await client.execute(uri: "/api/images/\(fixture.id(name))/file", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == type)
                    let original = try Data(contentsOf: fixture.url(name))
                    #expect(Data(buffer: response.body) == original)
                }
            }
        }
    }

    @Test("an image's stored description, without its embeddings unless asked")
    func description() async throws {
        let fixture = try ServerFixture()
        let id = fixture.id("dog.jpg")
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/images/\(id)", method: .get) { response in
                let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(document["path"] as? String == fixture.url("dog.jpg").path)
                let description = try #require(document["description"] as? [String: Any])
                #expect(description["caption"] as? String == "a brown dog sleeping on a couch")
                #expect((description["imageSize"] as? [String: Int])?["width"] == 400)
                let region = try #require((description["regions"] as? [[String: Any]])?.first)
                #expect((region["box"] as? [String: Int])?["x"] == 40)
                #expect((region["embedding"] as? [Double])?.isEmpty == true)
                #expect(((description["embeddings"] as? [String: Any])?["image"] as? [Double])?.isEmpty == true)
                #expect(document["tags"] == nil && document["taken"] == nil)
            }
            try fixture.library.store.recordTags([(id, PhotoTags(title: "Rex asleep", people: ["Rex"], rating: 3), "t1")])
            try fixture.library.store.recordDatesTaken([(id, "2021-03-04T05:06:07")])
            try await client.execute(uri: "/api/images/\(id)", method: .get) { response in
                let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let tags = try #require(document["tags"] as? [String: Any])
                #expect(tags["title"] as? String == "Rex asleep" && tags["people"] as? [String] == ["Rex"] && tags["rating"] as? Int == 3)
                #expect(document["taken"] as? String == "2021-03-04T05:06:07")
            }
            try await client.execute(uri: "/api/images/\(id)?embeddings=true", method: .get) { response in
                let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let description = try #require(document["description"] as? [String: Any])
                #expect(((description["embeddings"] as? [String: Any])?["image"] as? [Double]) == [1, 0])
            }
        }
    }
}

@Suite("server: thumbnail cache")
struct ThumbnailCacheTests {
    @Test("keeps at most its budget, dropping the least recently used first")
    func budget() {
        let cache = ThumbnailCache(budget: 250)
        let key = { (image: Int64) in ThumbnailCache.Key(image: image, side: 320, fileSize: 1, modified: 0) }
        cache.insert(Data(count: 100), for: key(1))
        cache.insert(Data(count: 100), for: key(2))
        #expect(cache.thumbnail(for: key(1)) != nil)  // 1 is now more recent than 2
        cache.insert(Data(count: 100), for: key(3))
        #expect(cache.heldBytes == 200)
        #expect(cache.thumbnail(for: key(2)) == nil, "the least recently used went")
        #expect(cache.thumbnail(for: key(1)) != nil && cache.thumbnail(for: key(3)) != nil)
        cache.insert(Data(count: 300), for: key(4))
        #expect(cache.thumbnail(for: key(4)) == nil && cache.heldBytes == 200, "larger than the budget: not kept")
    }
}
