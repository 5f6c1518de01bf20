import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP requests for downloads: redirects followed by hand so the hub's own headers (`X-Linked-Etag`,
/// `X-Linked-Size`) are seen before the CDN's, and the token is sent only to the hub's host.
struct HTTPTransport: Sendable {
    let client: HTTPClient
    let endpoint: HubEndpoint

    /// The response to `method` at `url` after at most five redirects, with the headers of every hop.
    func send(_ method: HTTPMethod, _ url: String, headers extra: [(String, String)] = []) async throws -> (response: HTTPClientResponse, hops: [HTTPHeaders]) {
        var current = url
        var hops: [HTTPHeaders] = []
        for _ in 0...5 {
            var request = HTTPClientRequest(url: current)
            request.method = method
            for (name, value) in extra { request.headers.add(name: name, value: value) }
            if let token = endpoint.token, isHub(current) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .hours(24))
            } catch {
                throw HubError.transfer(url: current, reason: String(describing: error))
            }
            hops.append(response.headers)
            guard [301, 302, 303, 307, 308].contains(response.status.code),
                  let location = response.headers.first(name: "Location"),
                  let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                return (response, hops)
            }
            current = next
        }
        throw HubError.transfer(url: url, reason: "more than five redirects")
    }

    private func isHub(_ url: String) -> Bool {
        URL(string: url)?.host == URL(string: endpoint.baseURL)?.host
    }
}

/// What the hub says about a file before it is downloaded.
struct RemoteFileInfo: Sendable, Equatable {
    var size: Int64?
    /// The SHA-256 of large (LFS) files, from `X-Linked-Etag`; nil for small files kept in git.
    var sha256: String?
    /// The commit the revision resolved to (`X-Repo-Commit`).
    var commit: String?

    init(hops: [HTTPHeaders]) {
        func first(_ name: String) -> String? { hops.lazy.compactMap { $0.first(name: name) }.first }
        let linkedEtag = first("X-Linked-Etag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"W/"))
        sha256 = linkedEtag.flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0.lowercased() : nil }
        size = first("X-Linked-Size").flatMap { Int64($0) } ?? hops.last?.first(name: "Content-Length").flatMap { Int64($0) }
        commit = first("X-Repo-Commit")
    }
}
