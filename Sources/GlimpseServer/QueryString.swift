import Foundation
import Hummingbird

/// The parameters of a URL's query string as browsers write them (`application/x-www-form-urlencoded`):
/// `+` is a space and `%XX` a byte of UTF-8. The first value of a repeated name counts.
struct QueryString: Sendable, Hashable {
    private var values: [String: String] = [:]

    /// - Parameter raw: the query string as sent, without the `?`; nil when the URL has none.
    init(_ raw: String?) throws {
        guard let raw else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    /// The query string of `request`'s URL.
    init(of request: Request) throws {
        try self.init(request.uri.query)
    }

    subscript(name: String) -> String? { values[name] }

    /// Every parameter (the first value of each name), sorted by name.
    var parameters: [(name: String, value: String)] {
        values.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    private static func decode(_ text: Substring) throws -> String {
        guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            throw APIError(.badRequest, "The query string has a malformed %-escape in \"\(text.prefix(100))\".")
        }
        return decoded
    }
}
