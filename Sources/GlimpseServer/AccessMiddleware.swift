import HTTPTypes
import Hummingbird

/// Enforces an `AccessPolicy`. A page opened as `/?token=TOKEN` is redirected to the same address without
/// the token, with the token in a cookie (HttpOnly, SameSite=Strict, one per port, 30 days) that the page's
/// requests then carry; API clients send `Authorization: Bearer TOKEN` (or `?token=`). Requests without
/// the token get 401, requests naming another host on a local-only server 403, both as `{"error"}`, except
/// that a browser opening a page without the right token gets `SignInPage`'s form (also 401).
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority.map(Authority.init)
        if policy.localHostsOnly, let authority, !authority.isLocal {
            throw APIError(.forbidden, "This server answers requests for this machine only (localhost, 127.0.0.1 or [::1]), "
                           + "not for \"\(authority.host.prefix(100))\"; to serve a network, start it with --host.")
        }
        guard let token = policy.token else { return try await next(request, context) }
        let cookieName = "glimpse-token" + (authority?.port.map { "-\($0)" } ?? "")

        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), token.matches(header.dropFirst("Bearer ".count)) else { throw Self.wrongToken }
            return try await next(request, context)
        }
        let query = try QueryString(of: request)
        // A browser opening a page gets a form to enter the token; anything else `{"error"}`.
        func refusal(_ error: UnauthorizedError, page message: String) -> UnauthorizedError {
            guard SignInPage.isWanted(by: request) else { return error }
            let path = request.uri.path.hasPrefix("//") ? "/" : request.uri.path
            return UnauthorizedError(error.message, page: SignInPage(message: message, path: path,
                                                                     parameters: query.parameters.filter { $0.name != "token" }))
        }
        if let offered = query["token"] {
            guard token.matches(offered) else {
                throw refusal(Self.wrongToken, page: "That is not this server's access token. Check it, or take the address "
                              + "`glimpse serve` printed when it started (a server started again has a new token unless "
                              + "GLIMPSE_SERVE_TOKEN sets it).")
            }
            guard request.method == .get, !request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
            var response = Response(status: .seeOther, headers: [.location: Self.address(of: request, without: "token"),
                                                                 .cacheControl: "no-store"])
            response.setCookie(Cookie(name: cookieName, value: token.value, maxAge: 30 * 24 * 3600, path: "/",
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        guard let cookie = request.cookies[cookieName] else {
            throw refusal(Self.missingToken, page: "This Glimpse server needs its access token: paste it here (it is the "
                          + "part after ?token= in the address `glimpse serve` printed), or open that address.")
        }
        guard token.matches(cookie.value) else {
            throw refusal(Self.wrongToken, page: "This browser holds an older access token: the server was started again "
                          + "with a new one. Paste the new token (after ?token= in the address `glimpse serve` printed).")
        }
        return try await next(request, context)
    }

    static var missingToken: UnauthorizedError {
        UnauthorizedError("This server requires its access token: open the address that `glimpse serve` printed "
                          + "(it ends in ?token=…), or send the header Authorization: Bearer TOKEN.")
    }

    static var wrongToken: UnauthorizedError {
        UnauthorizedError("That is not this server's access token (a server started again has a new one unless "
                          + "GLIMPSE_SERVE_TOKEN sets it): open the address that `glimpse serve` printed.")
    }

    /// The request's path and query without the parameter `name`, as given (no decoding and encoding again).
    static func address(of request: Request, without name: String) -> String {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { $0 != name && !$0.hasPrefix(name + "=") }
        let path = request.uri.path.hasPrefix("//") ? "/" : request.uri.path  // never an address on another site
        return path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }
}

/// 401 with `WWW-Authenticate: Bearer`, and `{"error": "…"}` or, for a browser opening a page, the sign-in page.
struct UnauthorizedError: HTTPResponseError {
    let message: String
    var page: SignInPage?

    init(_ message: String, page: SignInPage? = nil) {
        self.message = message
        self.page = page
    }

    var status: HTTPResponse.Status { .unauthorized }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = if let page {
            Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: page.html)))
        } else {
            try APIError(status, message).response(from: request, context: context)
        }
        response.headers[.wwwAuthenticate] = "Bearer realm=\"Glimpse\""
        return response
    }
}
