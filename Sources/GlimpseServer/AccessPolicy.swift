/// Who may use a server: those who show its access token, if it has one; and, for a server that
/// listens on this machine only, requests addressed to this machine by name (`localhost`, `127.0.0.1`,
/// `[::1]`), which keeps a web page from reaching it through a domain name that resolves to this machine
/// (DNS rebinding).
public struct AccessPolicy: Sendable {
    /// The token every request must show; nil: none.
    public var token: AccessToken?
    /// Whether requests must name this machine in their `Host` header.
    public var localHostsOnly: Bool

    public init(token: AccessToken? = nil, localHostsOnly: Bool = false) {
        self.token = token
        self.localHostsOnly = localHostsOnly
    }

    /// The policy for a server listening on `host`: local host names only when that is a loopback address.
    public static func listening(on host: String, token: AccessToken?) -> AccessPolicy {
        AccessPolicy(token: token, localHostsOnly: isLoopback(host))
    }
}

/// The parts of a `Host` header (`example.org:8080`, `[::1]:8080`, `localhost`).
struct Authority {
    /// The host, without brackets around an IPv6 address, in lower case.
    var host: String
    var port: String?

    init(_ text: String) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            port = rest.hasPrefix(":") ? String(rest.dropFirst()) : nil
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            port = String(text[text.index(after: colon)...])
        } else {
            host = text
            port = nil
        }
        host = host.lowercased()
    }

    /// Whether the host names this machine.
    var isLocal: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || isLoopback(host)
    }
}
