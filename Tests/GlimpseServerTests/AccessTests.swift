import Foundation
import GlimpseServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// `AccessPolicy`: the access token (header, link and cookie) and the local-hosts-only guard.
@Suite("server: access")
struct AccessTests {
    static let token = AccessToken("0123456789abcdef-TOKEN")!

    @Test("with a token, every way in needs it: header, link (then a cookie) or cookie; the log never shows it")
    func token() async throws {
        let fixture = try ServerFixture()
        let lines = LineCollector()
        let application = buildApplication(library: fixture.library, access: AccessPolicy(token: Self.token), requestLog: lines.append)
        try await application.test(.router) { client in
            for uri in ["/", "/app.js", "/api/search?q=knife", "/api/status", "/api/images/\(fixture.id("dog.jpg"))/thumbnail"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"Glimpse\"")
                    #expect(String(buffer: response.body).contains("Authorization: Bearer"), "the error says how to get in")
                    #expect(!String(buffer: response.body).contains(Self.token.value))
                }
            }
            let bearer: HTTPFields = [.authorization: "Bearer \(Self.token.value)"]
            try await client.execute(uri: "/api/search?q=knife", method: .get, headers: bearer) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("knife.jpg"))
            }
            for wrong in ["Bearer \(Self.token.value)x", "Bearer \(Self.token.value.dropLast())", "Bearer ", "Basic \(Self.token.value)",
                          "bearer \(Self.token.value)"] {
                try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: wrong]) { response in
                    #expect(response.status == .unauthorized, "\(wrong)")
                    #expect(String(buffer: response.body).contains("not this server's access token"))
                }
            }
            try await client.execute(uri: "/api/status?token=\(Self.token.value)", method: .get) { response in
                #expect(response.status == .ok, "an API client may put the token in the query")
            }
            try await client.execute(uri: "/?q=knife&token=\(Self.token.value)&strict=true", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/?q=knife&strict=true", "the token leaves the address bar")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("glimpse-token=\(Self.token.value);"), "\(cookie)")
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=2592000"] { #expect(cookie.contains(attribute)) }
            }
            try await client.execute(uri: "/?token=wrong-token-wrong-token", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            let cookie: HTTPFields = [.cookie: "other=1; glimpse-token=\(Self.token.value)"]
            for uri in ["/", "/app.js", "/api/search?q=knife", "/api/images/\(fixture.id("dog.jpg"))/thumbnail"] {
                try await client.execute(uri: uri, method: .get, headers: cookie) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/status", method: .get, headers: [.cookie: "glimpse-token=\(Self.token.value.uppercased())"]) {
                #expect($0.status == .unauthorized)
            }
        }
        let logged = lines.lines.joined(separator: "\n")
        #expect(!logged.contains(Self.token.value), "\(logged)")
        #expect(logged.contains("GET /?q=knife&token=…&strict=true 303 "), "\(logged)")
    }

    @Test("a browser opening a page without the right token gets a form that sends it to the same address; API clients get JSON")
    func signInPage() async throws {
        let fixture = try ServerFixture()
        let application = buildApplication(library: fixture.library, access: AccessPolicy(token: Self.token))
        let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]
        try await application.test(.router) { client in
            try await client.execute(uri: "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&strict=true", method: .get, headers: browser) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"Glimpse\"")
                let page = String(buffer: response.body)
                #expect(page.contains("<form method=\"get\" action=\"/\">") && page.contains("name=\"token\" type=\"password\""))
                #expect(page.contains("needs its access token"))
                #expect(page.contains("<input type=\"hidden\" name=\"q\" value=\"&lt;script&gt;alert(1)&lt;/script&gt;\">"),
                        "the query is kept, as text: \(page)")
                #expect(page.contains("<input type=\"hidden\" name=\"strict\" value=\"true\">"))
                #expect(!page.contains("<script>"))
            }
            try await client.execute(uri: "/?token=wrong-token-wrong-token&q=dog", method: .get, headers: browser) { response in
                #expect(response.status == .unauthorized && response.headers[.setCookie] == nil)
                let page = String(buffer: response.body)
                #expect(page.contains("That is not this server&#39;s access token") && page.contains("name=\"q\" value=\"dog\""))
                #expect(!page.contains("wrong-token"), "the wrong token is not written back")
            }
            try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html", .cookie: "glimpse-token=old-token-old-token-old"]) { response in
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("older access token"))
            }
            // The API, even from a browser, and the page's script (which browsers ask for with */*) answer JSON.
            for (uri, accept) in [("/api/status", "text/html"), ("/app.js", "*/*")] {
                try await client.execute(uri: uri, method: .get, headers: [.accept: accept]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(uri)")
                }
            }
            // What the form sends: the cookie is set and the browser goes back to its address.
            try await client.execute(uri: "/?q=dog&token=\(Self.token.value)", method: .get, headers: browser) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/?q=dog")
            }
        }
    }

    @Test("a local-only server answers requests that name this machine, and refuses other host names")
    func localHostsOnly() async throws {
        let fixture = try ServerFixture()
        let application = buildApplication(library: fixture.library, port: 0, access: .listening(on: "127.0.0.1", token: nil))
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let allowed = ["localhost:\(port)", "127.0.0.1:\(port)", "127.1.2.3", "[::1]:\(port)", "LOCALHOST", "app.localhost:\(port)"]
            for (authority, response) in try await Self.responses(port: port, authorities: allowed) {
                #expect(response.status == .ok, "\(authority)")
            }
            let refused = ["attacker.example:\(port)", "attacker.example", "192.168.1.10:\(port)", "localhost.attacker.example",
                           "127.0.0.1.attacker.example", "127.0.0.1000"]
            for (authority, response) in try await Self.responses(port: port, authorities: refused) {
                #expect(response.status == .forbidden, "\(authority)")
                #expect(response.body.map { String(buffer: $0) }?.contains("--host") == true)
            }
        }
        let open = buildApplication(library: fixture.library, port: 0, access: .listening(on: "0.0.0.0", token: nil))
        try await open.test(.live) { client in
            let answers = try await Self.responses(port: try #require(client.port), authorities: ["photos.example:8080"])
            #expect(answers.first?.1.status == .ok, "a network server answers to any name")
        }
    }

    /// `GET /api/status` sent to 127.0.0.1:`port` with each of `authorities` as the `Host` header.
    static func responses(port: Int, authorities: [String]) async throws -> [(String, TestClient.Response)] {
        let client = TestClient(host: "127.0.0.1", port: port)
        client.connect()
        var responses: [(String, TestClient.Response)] = []
        for authority in authorities {
            responses.append((authority, try await client.execute(.init("/api/status", method: .get, authority: authority))))
        }
        try await client.shutdown()
        return responses
    }

    @Test("tokens: at least 16 URL-safe characters; random ones are new each time; only the whole token matches")
    func tokens() {
        #expect(AccessToken("short") == nil)
        #expect(AccessToken("0123456789abcde") == nil, "15 characters")
        #expect(AccessToken("0123456789abcdef") != nil)
        for bad in ["0123456789abcdef ghi", "0123456789abcdef;x", "0123456789abcdef=", "0123456789abcdéf0", "0123456789abcdef\n"] {
            #expect(AccessToken(bad) == nil, "\(bad)")
        }
        let first = AccessToken.random(), second = AccessToken.random()
        #expect(first != second)
        #expect(first.value.count == 48 && first.value.allSatisfy(\.isHexDigit))
        #expect(!"\(first)".contains(first.value), "printing a token does not show it")
    }
}
