import ArgumentParser
import Foundation
import GlimpseIndex
import GlimpseSearch
import GlimpseServer

/// `glimpse serve`: the search page and the HTTP API over an index, with the models loaded once.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a search page and an HTTP API (JSON) over the index, with the models loaded once.",
        discussion: """
            Open the printed address in a browser: a query box, the results with thumbnails and the reasons they \
            matched; click a picture to see its regions. The API: GET /api/search?q=…[&limit=N][&offset=N][&strict=true]\
            [&text-only=true] (the JSON of `glimpse search --json`), /api/status, /api/images/ID (the stored \
            description), /api/images/ID/thumbnail[?size=N] and /api/images/ID/file. Only indexed images are \
            served. Images indexed while the server runs are found by the next query. Ctrl-C stops it.

            Access: by default the server listens on this machine only (127.0.0.1) and answers only requests \
            addressed to it by name (localhost, 127.0.0.1, [::1]). With --host for a network address it requires an \
            access token: a new random one at each start, printed in the address to open (…/?token=…), or the one in \
            $GLIMPSE_SERVE_TOKEN (at least 16 letters, digits, '-', '.', '_' or '~'), which also protects a local \
            server. Programs send it as the header `Authorization: Bearer TOKEN`. --no-auth serves a network without one.
            """
    )

    @Option(help: "The address to listen on: 127.0.0.1 (this machine only) or e.g. 0.0.0.0 (every network; an access token is then required).")
    var host = "127.0.0.1"

    @Flag(help: "Serve a network address without an access token: anyone who can reach it can search and view the images.")
    var noAuth = false

    @Option(help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Flag(help: "Print a line per request on standard error: time, method, path with query, status, milliseconds.")
    var logRequests = false

    @OptionGroup var search: SearchModelOptions

    /// Writes one request's line to standard error, after the time.
    @Sendable static func logLine(_ line: String) {
        FileHandle.standardError.write(Data("\(Date().ISO8601Format()) \(line)\n".utf8))
    }

    /// The environment variable that sets the access token.
    static let tokenVariable = "GLIMPSE_SERVE_TOKEN"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port is from 0 to 65535.") }
        if noAuth && ProcessInfo.processInfo.environment[Self.tokenVariable] != nil {
            throw ValidationError("--no-auth and \(Self.tokenVariable) contradict each other: unset one of them.")
        }
    }

    /// The token the server requires: the user's, a random one for a network address, or none.
    func accessToken() throws -> (token: AccessToken, chosen: Bool)? {
        if let text = ProcessInfo.processInfo.environment[Self.tokenVariable] {
            guard let token = AccessToken(text) else {
                throw ValidationError("\(Self.tokenVariable) must have at least \(AccessToken.minimumLength) characters, each a letter, "
                                      + "a digit, '-', '.', '_' or '~' (for example the output of `openssl rand -hex 24`).")
            }
            return (token, true)
        }
        return isLoopback(host) || noAuth ? nil : (AccessToken.random(), false)
    }

    func run() async throws {
        let access = try accessToken()  // a bad token is an error before the models load
        let store = try search.openIndex()
        let models = search.loadModels(prepacking: true)
        for note in models.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let options = SearchOptions(fusion: search.fusionSetting)
        let searcher = { @Sendable (store: SQLiteIndexStore) in
            Searcher(index: store, keywords: models.keywords, clip: models.clip, sentences: models.sentences, options: options)
        }
        // After `glimpse restore`, the next request opens the restored index with the same models.
        let places = Gazetteer.locate().flatMap(GazetteerFile.init(url:))
        let library = SearchLibrary(store: store, searcher: searcher(store), notes: models.notes, places: places) { [search] in
            let reopened = try search.openIndex()
            FileHandle.standardError.write(Data("note: the index at \(reopened.url?.path ?? "") was replaced; serving the new one.\n".utf8))
            return SearchLibrary.Index(store: reopened, searcher: searcher(reopened))
        }
        if !isLoopback(host) && access == nil {
            FileHandle.standardError.write(Data(("warning: listening on \(host) without an access token (--no-auth): anyone who "
                                                 + "can reach this machine can search the index and view its images.\n").utf8))
        }
        await library.warmUp()
        let location = store.url?.path ?? "the index"
        let shown = host.contains(":") ? "[\(host)]" : host
        let suffix = switch access {
        case nil: ""
        case (let token, false)?: "?token=\(token.value)"
        case (_, true)?: "?token=$\(Self.tokenVariable)"
        }
        try await serve(library, host: host, port: port, token: access?.token, requestLog: logRequests ? Self.logLine : nil) { bound in
            // Unbuffered, so that a script starting the server can read the address at once.
            FileHandle.standardOutput.write(Data("Serving \(location) at http://\(shown):\(bound)/\(suffix) (Ctrl-C stops)\n".utf8))
        }
    }
}
