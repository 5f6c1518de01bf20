import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
import GlimpseServer
import HummingbirdTesting
import Testing

/// `GET /api/search`, `/api/status` and the page, through the router with a real index.
@Suite("server: search, status and the page")
struct SearchRouteTests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any],
                     "\(String(buffer: response.body))")
    }

    static func paths(_ document: [String: Any]) -> [String] {
        ((document["results"] as? [[String: Any]]) ?? []).compactMap { ($0["path"] as? String).map { URL(filePath: $0).lastPathComponent } }
    }

    @Test("group=true (or a cosine) lists look-alikes under the result they resemble; other values are a clear 400")
    func group() async throws {
        let fixture = try ServerFixture()  // every image has the same CLIP embedding
        try await buildApplication(library: fixture.library).test(.router) { client in
            for value in ["true", "0.9"] {
                try await client.execute(uri: "/api/search?q=knife&group=\(value)", method: .get) { response in
                    let results = try #require(try Self.json(response)["results"] as? [[String: Any]])
                    #expect(results.count == 1, "\(results)")
                    let alike = (results.first?["lookAlikes"] as? [[String: Any]]) ?? []
                    #expect(alike.count == 2 && alike.allSatisfy { ($0["similarity"] as? Double ?? 0) > 0.999 && $0["path"] is String })
                }
            }
            try await client.execute(uri: "/api/search?q=knife&group=false", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).count == 3)
            }
            for value in ["2", "maybe", "-0.5"] {
                try await client.execute(uri: "/api/search?q=knife&group=\(value)", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("group is true, false or a cosine"), "\(String(buffer: response.body))")
                }
            }
        }
    }

    @Test("a query as a browser encodes it: ranked results, what was understood, and the penalty explained")
    func search() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=a+dog+on+a+couch%2C+but+no+cartoon", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["dog.jpg", "cartoon.png"], "the penalised cartoon comes second")
                let query = try #require(document["query"] as? [String: Any])
                #expect(query["original"] as? String == "a dog on a couch, but no cartoon", "+ is a space, %2C a comma")
                #expect((query["negatives"] as? [[String: Any]])?.first?["text"] as? String == "cartoon")
                let results = try #require(document["results"] as? [[String: Any]])
                let penalties = (results[1]["explanation"] as? [String: Any])?["penalties"] as? [[String: Any]]
                #expect(penalties?.first?["concept"] as? String == "cartoon")
                #expect(results[0]["image"] as? Int == Int(fixture.id("dog.jpg")))
            }
            try await client.execute(uri: "/api/search?q=dog+couch+but+no+cartoon&strict=true", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["dog.jpg"])
                #expect(document["excluded"] as? Int == 1)
            }
            try await client.execute(uri: "/api/search?q=knife&limit=1", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).count == 1)
            }
            let all = try await client.execute(uri: "/api/search?q=knife", method: .get) { Self.paths(try Self.json($0)) }
            #expect(all.count == 3)
            try await client.execute(uri: "/api/search?q=knife&limit=1&offset=1", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == [all[1]], "the next page")
                #expect((document["results"] as? [[String: Any]])?.first?["rank"] as? Int == 2, "ranks count from the first page")
            }
            try await client.execute(uri: "/api/search?q=knife&offset=3", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).isEmpty)
            }
            try await client.execute(uri: "/api/search?q=knife&text-only=true", method: .get) { response in
                let document = try Self.json(response)
                #expect(document["rankers"] as? [String] == ["fullText"])
            }
            let folder = try #require(fixture.folder.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            try await client.execute(uri: "/api/search?q=knife&in=\(folder)", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).count == 3, "every knife is in the fixture's folder")
                #expect((document["notes"] as? [String])?.contains { $0.hasPrefix("Searched within ") && $0.hasSuffix(": 5 indexed image(s).") } == true)
            }
            try await client.execute(uri: "/api/search?q=knife&in=\(folder)-other", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).isEmpty, "a folder whose name only starts like it")
            }
            try fixture.library.store.recordDatesTaken([(fixture.id("knife.jpg"), "2019-07-14T15:02:11")])
            try await client.execute(uri: "/api/search?q=knife&taken=2019-07", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["knife.jpg"], "the only knife taken in July 2019")
                #expect((document["results"] as? [[String: Any]])?.first?["taken"] as? String == "2019-07-14T15:02:11")
                #expect((document["notes"] as? [String])?.contains("Searched the photos taken in 2019-07: 1 indexed image(s).") == true)
            }
            let tags = PhotoTags(keywords: ["Lisbon"], people: ["Anna"], rating: 5, location: PhotoLocation(latitude: 38.7223, longitude: -9.1393))
            try fixture.library.store.recordTags([(fixture.id("knife.jpg"), tags, "t1")])
            try await client.execute(uri: "/api/search?q=knife&rating=5", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["knife.jpg"], "the only knife rated 5 stars")
                let result = try #require((document["results"] as? [[String: Any]])?.first)
                #expect((result["tags"] as? [String: Any])?["people"] as? [String] == ["Anna"])
            }
            try await client.execute(uri: "/api/search?q=knife&near=38.72,-9.14&within=1", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["knife.jpg"], "the only knife taken in Lisbon")
                #expect((document["notes"] as? [String])?.contains { $0.hasPrefix("Searched the photos taken within 1.0 km of 38.72000,-9.14000") } == true)
            }
            try await client.execute(uri: "/api/search?q=Lisbon", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).first == "knife.jpg")
                let explanation = (document["results"] as? [[String: Any]])?.first?["explanation"] as? [String: Any]
                #expect(explanation?["matchedTags"] as? [String] == ["Lisbon"])
            }
        }
    }

    @Test("near= takes a town's name from the gazetteer; a located photo's town is named, shown and searched with \"in\"")
    func places() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-places-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "places.tsv")
        try Data("Lisbon\tLisbon\tPortugal\t38.71667\t-9.13333\t517802\nParis\tÎle-de-France\tFrance\t48.85341\t2.34880\t2138551\n".utf8)
            .write(to: file)
        let places = try #require(GazetteerFile(url: file))
        let fixture = try ServerFixture(places: places)
        let tags = PhotoTags(location: PhotoLocation(latitude: 38.7223, longitude: -9.1393))
        try fixture.library.store.recordTags([(fixture.id("knife.jpg"), tags, "t1")])
        #expect(try fixture.library.store.namePlaces(with: places) == 1)
        try fixture.store.prepareForSearch()
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=knife&near=lisbon", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document) == ["knife.jpg"], "the only knife taken in Lisbon")
                #expect((document["notes"] as? [String])?.contains { $0.hasPrefix("Searched the photos taken within 15 km of Lisbon, Portugal") } == true,
                        "\(document["notes"] ?? "")")
                #expect((document["results"] as? [[String: Any]])?.first?["place"] as? String == "Lisbon, Portugal")
            }
            try await client.execute(uri: "/api/search?q=knife&near=Paris,+France&within=1", method: .get) { response in
                let document = try Self.json(response)
                #expect(Self.paths(document).isEmpty)
            }
            try await client.execute(uri: "/api/search?q=knife+in+Lisbon", method: .get) { response in
                let document = try Self.json(response)
                #expect((document["query"] as? [String: Any])?["place"] as? String == "Lisbon")
                #expect(Self.paths(document) == ["knife.jpg"])
            }
            try await client.execute(uri: "/api/search?q=knife&near=Atlantis", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#"no place is named \"Atlantis\""#), "JSON escapes the quotes")
            }
        }
    }

    @Test("FTS5 syntax in a query is plain words", arguments: [
        #"knife" OR NEAR(a b) text:* ^board"#, "knife AND NOT board", "-cartoon knife*", "{knife} board:",
    ])
    func hostileQuery(query: String) async throws {
        let fixture = try ServerFixture()
        let encoded = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=\(encoded)", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let document = try Self.json(response)
                #expect(Self.paths(document).contains("knife.jpg"))
            }
        }
    }

    @Test("bad requests are 400 with a message that says what to do", arguments: [
        ("/api/search", "parameter q"),
        ("/api/search?q=+++", "parameter q"),
        ("/api/search?q=the+of+and", "has no word to search for"),
        ("/api/search?q=" + String(repeating: "dog+", count: 300), "at most 1000 are allowed"),
        ("/api/search?q=dog&limit=0", "limit is a whole number from 1 to 100"),
        ("/api/search?q=dog&limit=ten", "limit is a whole number"),
        ("/api/search?q=dog&offset=-1", "offset is a whole number from 0 to 900"),
        ("/api/search?q=dog&strict=maybe", "strict is true or false"),
        ("/api/search?q=dog&in=Pictures", "in is an absolute folder path"),
        ("/api/search?q=dog&taken=some+summer", "taken is a year, month or day"),
        ("/api/search?q=dog&taken=2020..2019", "taken is a year, month or day"),
        ("/api/search?q=dog&rating=6", "rating is a whole number from 1 to 5"),
        ("/api/search?q=dog&near=Paris", "near is a latitude and a longitude"),
        ("/api/search?q=dog&near=91,0", "near is a latitude and a longitude"),
        ("/api/search?q=dog&near=48.8,2.3&within=-1", "within is a distance in kilometres"),
        ("/api/search?q=dog&within=3", "give near too"),
        ("/api/search?q=%E0%A4%A", "malformed %-escape"),
        ("/api/images/abc", "whole number"),
        ("/api/images/1/thumbnail?size=5000", "size is a whole number from 16 to 1024"),
    ])
    func badRequests(uri: String, message: String) async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try Self.json(response)["error"] as? String)
                #expect(error.contains(message), "\(error)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "errors carry the security headers too")
            }
        }
    }

    @Test("status is the JSON of `glimpse status --json`")
    func status() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/status", method: .get) { response in
                let document = try Self.json(response)
                #expect((document["images"] as? [String: Int])?["total"] == 5)
                #expect(document["index"] as? String == fixture.store.url?.path)
            }
        }
    }

    @Test("the page and its script, with a policy that allows scripts from this server only; unknown paths are 404")
    func page() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("<form id=\"search\"") && html.contains("<script src=\"/app.js\">"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            try await client.execute(uri: "/app.js", method: .get) { response in
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                let script = String(buffer: response.body)
                #expect(script.contains("\"/api/search\"") && script.contains("/similar") && !script.contains("innerHTML"),
                        "data is written as text, never as markup")
            }
            try await client.execute(uri: "/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("with a request log, each request is a line: method, path with query, status, milliseconds")
    func requestLog() async throws {
        let fixture = try ServerFixture()
        let lines = LineCollector()
        try await buildApplication(library: fixture.library, requestLog: lines.append).test(.router) { client in
            try await client.execute(uri: "/api/search?q=knife", method: .get)
            try await client.execute(uri: "/api/search?q=the+of+and", method: .get)
            try await client.execute(uri: "/api/images/999/thumbnail", method: .get)
        }
        let logged = lines.lines
        #expect(logged.count == 3, "\(logged)")
        #expect(logged.count == 3 && logged[0].hasPrefix("GET /api/search?q=knife 200 ") && logged[0].hasSuffix(" ms"))
        #expect(logged.count == 3 && logged[1].hasPrefix("GET /api/search?q=the+of+and 400 "))
        #expect(logged.count == 3 && logged[2].hasPrefix("GET /api/images/999/thumbnail 404 "))
    }

    @Test("an empty index answers with no results and a note on how to fill it")
    func emptyIndex() async throws {
        let store = try SQLiteIndexStore.inMemory()
        let library = SearchLibrary(store: store, searcher: Searcher(index: store, keywords: PlainKeywords()))
        try await buildApplication(library: library).test(.router) { client in
            try await client.execute(uri: "/api/search?q=dog", method: .get) { response in
                #expect(response.status == .ok)
                let document = try Self.json(response)
                #expect(Self.paths(document).isEmpty)
                #expect((document["notes"] as? [String])?.contains { $0.contains("glimpse index FOLDER") } == true)
            }
        }
    }
}

/// Lines handed to a request log, kept in order.
final class LineCollector: @unchecked Sendable {  // `stored` behind `lock`
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    @Sendable func append(_ line: String) { lock.withLock { stored.append(line) } }
}
