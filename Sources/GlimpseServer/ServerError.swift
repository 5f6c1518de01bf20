import Foundation

/// Why the server could not start, with what to do.
public enum ServerError: LocalizedError, Sendable, Equatable {
    /// Another program listens at this address.
    case addressInUse(host: String, port: Int)
    /// The host name or address cannot be listened on.
    case cannotListen(host: String, port: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .addressInUse(host, port):
            return "Port \(port) on \(host) is in use by another program: choose another with --port (0 picks a free one)."
        case let .cannotListen(host, port, reason):
            return "Cannot listen on \(host) port \(port): \(reason). Check --host (an address of this machine, e.g. 127.0.0.1)."
        }
    }
}
