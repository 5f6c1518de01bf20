import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
import Hummingbird
import Logging
import NIOCore

/// The HTTP API and the web page.
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the search page (`GET /app.js` is its script) |
/// | `GET /api/search?q=…[&limit=N][&offset=N][&strict=true][&text-only=true][&in=FOLDER][&taken=DATES][&rating=N][&near=PLACE[&within=KM]][&camera=NAME]` | `SearchResponse`, as `glimpse search --json` prints it |
/// | `GET /api/status` | `IndexStatusDocument`, as `glimpse status --json` prints it |
/// | `GET /api/duplicates[?in=FOLDER]` | `DuplicateFilesReport`, as `glimpse duplicates --json` prints it |
/// | `GET /api/images/{id}[?embeddings=true]` | `ImageDocument`: path and stored description |
/// | `GET /api/images/{id}/thumbnail[?size=N]` | a JPEG, longest side N (default 320, 16…1024), with an entity tag |
/// | `GET /api/images/{id}/file` | the image file itself |
/// | `GET /api/images/{id}/similar[?limit=N][&offset=N][&in=FOLDER][&taken=DATES][&rating=N][&near=PLACE[&within=KM]][&camera=NAME]` | `SimilarImages`, as `glimpse similar --json` prints it |
/// | `GET /api/images/{id}/why?q=…[&strict=true][&text-only=true][&in=FOLDER][&taken=DATES][&rating=N][&near=PLACE[&within=KM]][&camera=NAME]` | `ImageStanding`, as `glimpse search --why --json` prints it |
///
/// Errors are `{"error": "…"}` with status 400 (the request), 404 (no such image or file), 422 (a file
/// that cannot be decoded) or 500 (the index).
///
/// - Parameters:
///   - access: who may ask (`AccessMiddleware`); by default anyone.
///   - requestLog: receives a line per request (method, path with query, status, milliseconds);
///     nil logs nothing.
public func buildRouter(library: SearchLibrary, access: AccessPolicy = AccessPolicy(),
                        requestLog: (@Sendable (String) -> Void)? = nil) -> Router<BasicRequestContext> {
    let router = Router()
    if let requestLog { router.add(middleware: RequestLogMiddleware(write: requestLog)) }
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: AccessMiddleware(policy: access))
    router.get("/") { _, _ in WebPage.page }
    router.get("/app.js") { _, _ in WebPage.script }
    router.get("/api/search") { request, _ in
        try await answer {
            let parameters = try SearchParameters(QueryString(of: request), places: library.places)
            let response = try await library.search(parameters.query, options: parameters.options(from: library.searcher.options))
            return try JSONBody.response(parameters.page(of: response))
        }
    }
    router.get("/api/status") { _, _ in
        try await answer { try JSONBody.response(IndexStatusDocument(try await library.summary())) }
    }
    router.get("/api/duplicates") { request, _ in
        try await answer {
            let folders = try Parameter.folder(QueryString(of: request)).map { [$0] } ?? []
            return try JSONBody.response(try await library.duplicates(under: folders))
        }
    }
    router.get("/api/images/{id}") { request, context in
        try await answer {
            let embeddings = try Parameter.flag(QueryString(of: request), "embeddings")
            return try JSONBody.response(try await library.description(of: try imageID(context), embeddings: embeddings))
        }
    }
    router.get("/api/images/{id}/thumbnail") { request, context in
        try await answer {
            let side = try Parameter.integer(QueryString(of: request), "size", default: 320, range: 16...1024)
            let file = try await library.file(of: try imageID(context))
            let tag = file.thumbnailKey(side: side).entityTag
            var headers: HTTPFields = [.eTag: tag, .cacheControl: "no-cache"]
            if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag }) == true {
                return Response(status: .notModified, headers: headers)
            }
            let data = try await library.thumbnail(of: file, side: side)
            headers[.contentType] = "image/jpeg"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
    router.get("/api/images/{id}/similar") { request, context in
        try await answer {
            let parameters = try QueryString(of: request)
            let limit = try Parameter.integer(parameters, "limit", default: 20, range: 1...100)
            let offset = try Parameter.integer(parameters, "offset", default: 0, range: 0...900)
            let folders = try Parameter.folder(parameters).map { [$0] } ?? []
            let taken = try Parameter.taken(parameters, timeZone: try Parameter.timeZone(parameters))
            return try JSONBody.response(try await library.similar(to: try imageID(context), limit: limit, offset: offset,
                                                                   folders: folders, taken: taken,
                                                                   minimumRating: try Parameter.rating(parameters),
                                                                   near: try Parameter.near(parameters, places: library.places),
                                                                   camera: Parameter.camera(parameters)))
        }
    }
    router.get("/api/images/{id}/why") { request, context in
        try await answer {
            let parameters = try SearchParameters(QueryString(of: request), places: library.places)
            let options = parameters.options(from: library.searcher.options)
            return try JSONBody.response(try await library.standing(of: try imageID(context), for: parameters.query, options: options))
        }
    }
    router.get("/api/images/{id}/file") { _, context in
        try await answer {
            let file = try await library.file(of: try imageID(context))
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file.path))
            let head = try handle.read(upToCount: 64) ?? Data()
            try handle.close()
            let type = ImageFormat.detect(head)?.mediaType ?? "application/octet-stream"
            let body = try await FileIO().loadFile(path: file.path, context: context)
            return Response(status: .ok, headers: [.contentType: type, .contentLength: String(file.size)], body: body)
        }
    }
    return router
}

/// An application that serves `library` at `host`:`port` (port 0: any free port; `onServerRunning`
/// receives the bound channel).
public func buildApplication(library: SearchLibrary, host: String = "127.0.0.1", port: Int = 8080,
                             access: AccessPolicy = AccessPolicy(), requestLog: (@Sendable (String) -> Void)? = nil,
                             onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
    -> some ApplicationProtocol {
    var logger = Logger(label: "glimpse.server")
    logger.logLevel = .warning
    return Application(router: buildRouter(library: library, access: access, requestLog: requestLog),
                       configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Glimpse"),
                       onServerRunning: onServerRunning, logger: logger)
}

/// Runs `work`, answering any error it throws as JSON with the status that fits it.
private func answer(_ work: () async throws -> Response) async throws -> Response {
    do {
        return try await work()
    } catch {
        throw APIError(error)
    }
}

private func imageID(_ context: BasicRequestContext) throws -> ImageID {
    guard let text = context.parameters.get("id"), let id = ImageID(text) else {
        throw APIError(.badRequest, "An image ID is a whole number, as in the `image` field of search results.")
    }
    return id
}

extension ImageFormat {
    /// The media type of files in this format.
    var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .gif: "image/gif"
        case .bmp: "image/bmp"
        case .heif: "image/heif"
        case .avif: "image/avif"
        case .tiff: "image/tiff"
        case .cameraRaw: "application/octet-stream"
        }
    }
}
