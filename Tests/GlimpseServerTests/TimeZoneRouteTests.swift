import Foundation
import GlimpseServer
import HummingbirdTesting
import Testing

/// `tz=` on the search and look-alike routes: relative dates are the asker's, wherever the server is.
@Suite("server: the asker's time zone")
struct TimeZoneRouteTests {
    /// Two zones 25 hours apart: at any moment their calendars name different days.
    static let ahead = "Pacific/Kiritimati", behind = "Pacific/Pago_Pago"

    /// Today's date in `zone`, before and after `body` (the request may cross a midnight).
    static func today(in zone: String, around body: () async throws -> Void) async rethrows -> Set<String> {
        func day() -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            let parts = calendar.dateComponents([.year, .month, .day], from: Date())
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
        let before = day()
        try await body()
        return [before, day()]
    }

    @Test("\"today\" in a query and taken=today are counted in tz's calendar; a zone that does not exist is a clear 400")
    func relativeDates() async throws {
        let fixture = try ServerFixture()
        try await buildApplication(library: fixture.library).test(.router) { client in
            var understood: [String: String] = [:]
            for zone in [Self.ahead, Self.behind] {
                let days = try await Self.today(in: zone) {
                    let encoded = zone.replacingOccurrences(of: "/", with: "%2F")
                    try await client.execute(uri: "/api/search?q=knife+taken+today&tz=\(encoded)", method: .get) { response in
                        #expect(response.status == .ok)
                        let query = try #require(try SearchRouteTests.json(response)["query"] as? [String: Any])
                        understood[zone] = try #require(query["taken"] as? String, "one day: \(query)")
                    }
                    try await client.execute(uri: "/api/images/1/similar?taken=today&tz=\(encoded)", method: .get) { response in
                        #expect(response.status == .ok, "\(String(buffer: response.body))")
                    }
                }
                #expect(days.contains(understood[zone] ?? "none"), "\(zone): today is \(days), understood \(understood[zone] ?? "nothing")")
            }
            #expect(understood[Self.ahead] != understood[Self.behind], "\(understood)")

            try await client.execute(uri: "/api/search?q=knife&taken=today&tz=Mars%2FOlympus_Mons", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try SearchRouteTests.json(response)["error"] as? String)
                #expect(error.contains("tz is a time zone name such as Europe/Lisbon"), "\(error)")
            }
            try await client.execute(uri: "/api/images/1/similar?tz=nowhere", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
