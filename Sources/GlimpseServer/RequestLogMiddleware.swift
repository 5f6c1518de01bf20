import Foundation
import Hummingbird

/// One line per request for `glimpse serve --log-requests`: method, path with query, status and
/// milliseconds, handed to `write` once the answer is ready (errors included, with their status). An access
/// token in the query is written as `token=…`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let write: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let milliseconds = (ContinuousClock.now - start) / .milliseconds(1)
        write("\(request.method) \(Self.redacted(request)) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms")
        return response
    }

    static func redacted(_ request: Request) -> String {
        let uri = request.uri
        guard let query = uri.query else { return uri.path }
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false)
            .map { $0 == "token" || $0.hasPrefix("token=") ? "token=…" : $0 }
        return uri.path + "?" + parameters.joined(separator: "&")
    }
}
