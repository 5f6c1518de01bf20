import Foundation
import Hummingbird
import NIOCore

/// Serves `library` at `host`:`port` until the process receives SIGINT or SIGTERM (then answers the
/// requests in flight and returns). `onListening` receives the port actually bound (useful with port 0);
/// `requestLog`, when given, a line per request.
public func serve(_ library: SearchLibrary, host: String, port: Int, requestLog: (@Sendable (String) -> Void)? = nil,
                  onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
    let application = buildApplication(library: library, host: host, port: port, requestLog: requestLog) { channel in
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
    ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) || host.hasPrefix("127.")
}
