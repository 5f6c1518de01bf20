import HTTPTypes
import Hummingbird

/// Headers that keep a browser from reading more into the server's answers than they say: no content
/// sniffing, no framing by other sites, the page's script and images from this server only, no referrer.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; img-src 'self'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
        return response
    }

    private static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
}
