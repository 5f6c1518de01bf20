import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server on the loopback interface that plays the Hugging Face hub's file endpoint,
/// with the faults the downloader must survive: truncated bodies, stalls, error statuses.
final class TestHubServer: @unchecked Sendable {
    enum Fault {
        /// Send the full Content-Length but only this many body bytes, then close (once).
        case truncateOnce(after: Int)
        /// Answer with this status.
        case status(Int)
        /// Send the response head, then nothing.
        case stall
    }

    struct Route {
        var body: [UInt8]
        /// Headers on the hub's answer (for example `X-Linked-Etag`).
        var headers: [(String, String)] = []
        /// Serve the bytes from this other path after a 302, as the hub does for large files.
        var redirectTo: String?
        var fault: Fault?
    }

    private let lock = NSLock()
    private var routes: [String: Route] = [:]
    private var requests: [String] = []
    private let channel: Channel
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let box = Box()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: box.server!))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
        box.server = self
    }

    func stop() { try? channel.close().wait() }

    /// Serves `body` at `{base}/{repository}/resolve/{revision}/{file}` (and at `/cdn/…` when redirected).
    func serve(_ repository: String, revision: String = "main", file: String, _ route: Route) {
        let path = "/\(repository)/resolve/\(revision)/\(file)"
        lock.withLock {
            if let target = route.redirectTo {
                routes[path] = Route(body: [], headers: route.headers + [("Location", target)], fault: nil)
                routes[target] = Route(body: route.body, fault: route.fault)
            } else {
                routes[path] = route
            }
        }
    }

    /// "METHOD path [range]" of every request so far.
    var log: [String] { lock.withLock { requests } }

    fileprivate func respond(method: HTTPMethod, path: String, headers: HTTPHeaders) -> (Route?, Fault?) {
        lock.withLock {
            requests.append("\(method.rawValue) \(path)" + (headers.first(name: "Range").map { " \($0)" } ?? ""))
            guard var route = routes[path] else { return (nil, nil) }
            switch route.fault {
            case .status?:
                return (route, route.fault)
            case .stall?:
                return (route, method == .GET ? .stall : nil)
            case .truncateOnce(let after)?:
                guard method == .GET else { return (route, nil) }
                route.fault = nil
                routes[path] = route
                return (route, .truncateOnce(after: after))
            case nil:
                return (route, nil)
            }
        }
    }

    private final class Box: @unchecked Sendable { var server: TestHubServer? }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: TestHubServer
        private var head: HTTPRequestHead?

        init(server: TestHubServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request): head = request
            case .body: break
            case .end:
                guard let request = head else { return }
                answer(request, context: context)
            }
        }

        private func answer(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
            let (route, fault) = server.respond(method: request.method, path: request.uri, headers: request.headers)
            guard let route else { return send(status: 404, headers: [], body: [], context: context, close: false) }
            if case .status(let code)? = fault { return send(status: code, headers: [], body: [], context: context, close: false) }
            if let location = route.headers.first(where: { $0.0 == "Location" }) {
                return send(status: 302, headers: route.headers + [("Content-Length", "0")], body: [], context: context, close: false,
                            ignoreBody: true, location: location.1)
            }
            var body = route.body[...]
            var status = 200
            var headers = route.headers + [("Accept-Ranges", "bytes")]
            if let range = request.headers.first(name: "Range"), range.hasPrefix("bytes="),
               let start = Int(range.dropFirst(6).split(separator: "-").first ?? ""), start < body.count {
                status = 206
                headers.append(("Content-Range", "bytes \(start)-\(body.count - 1)/\(body.count)"))
                body = body[(body.startIndex + start)...]
            }
            headers.append(("Content-Length", "\(body.count)"))
            if request.method == .HEAD { return send(status: status, headers: headers, body: [], context: context, close: false) }
            switch fault {
            case .truncateOnce(let after)?:
                send(status: status, headers: headers, body: Array(body.prefix(after)), context: context, close: true)
            case .stall?:
                var responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
                for (name, value) in headers { responseHead.headers.add(name: name, value: value) }
                context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
            default:
                send(status: status, headers: headers, body: Array(body), context: context, close: false)
            }
        }

        private func send(status: Int, headers: [(String, String)], body: [UInt8], context: ChannelHandlerContext,
                          close: Bool, ignoreBody: Bool = false, location: String? = nil) {
            var responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
            for (name, value) in headers where name != "Location" { responseHead.headers.add(name: name, value: value) }
            if let location { responseHead.headers.add(name: "Location", value: location) }
            if !headers.contains(where: { $0.0 == "Content-Length" }) { responseHead.headers.add(name: "Content-Length", value: "\(body.count)") }
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            if !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            if close {
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(capacity: 0)))), promise: nil)
                context.flush()
                context.close(promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
