import Foundation
import Hummingbird
import NIOCore

/// Serves `library` at `host`:`port` until the process receives SIGINT or SIGTERM (then answers the
/// requests in flight and returns). `onListening` receives the port actually bound (useful with port 0);
/// `requestLog`, when given, a line per request. Requests must name this machine when `host` is a loopback
/// address, and show `token` when it is given (`AccessPolicy`).
public func serve(_ library: SearchLibrary, host: String, port: Int, token: AccessToken? = nil, requestLog: (@Sendable (String) -> Void)? = nil,
                  onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
    let application = buildApplication(library: library, host: host, port: port,
                                       access: .listening(on: host, token: token), requestLog: requestLog) { channel in
        await onListening(channel.localAddress?.port ?? port)
    }
    do {
        try await application.runService()
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
        throw ServerError.addressInUse(host: host, port: port)
    } catch let error as IOError {
        throw ServerError.cannotListen(host: host, port: port, reason: error.description)
    } catch let error as SocketAddressError {
        throw ServerError.cannotListen(host: host, port: port, reason: "\(error)")
    }
}

/// Whether `host` is reachable from this machine only.
public func isLoopback(_ host: String) -> Bool {
    if ["::1", "localhost"].contains(host.lowercased()) { return true }
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
}
