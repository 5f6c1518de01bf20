import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
import Hummingbird

/// An error answered as `{"error": "…"}` with an HTTP status; the message says what to do, as the
/// command line's do.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The error for a failure of the search or the index: the user's query is at fault (400), the
    /// index is (500), or the image file is (404 when it is gone, 422 when it cannot be decoded).
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as SearchError:
            switch error {
            case .queryTooLong, .noUsableTerms, .onlyADate, .noRankerAvailable: self.init(.badRequest, error.localizedDescription)
            case .noImageEmbedding, .unknownImage: self.init(.notFound, error.localizedDescription)
            default: self.init(.internalServerError, error.localizedDescription)
            }
        case let error as ImageError:
            switch error {
            case .unreadable: self.init(.notFound, error.localizedDescription)
            default: self.init(.unprocessableContent, error.localizedDescription)
            }
        default:
            self.init(.internalServerError, error.localizedDescription)
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(["error": message], status: status)
    }
}

/// JSON responses in the form the command line prints (`--json`): sorted keys, slashes as they are.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
