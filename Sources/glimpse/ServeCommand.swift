import ArgumentParser
import Foundation
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
            served. Images indexed while the server runs are found by the next query. There is no authentication: \
            the server listens on this machine only (127.0.0.1) unless --host says otherwise. Ctrl-C stops it.
            """
    )

    @Option(help: "The address to listen on: 127.0.0.1 (this machine only) or e.g. 0.0.0.0 (every network; no authentication).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Flag(help: "Print a line per request on standard error: time, method, path with query, status, milliseconds.")
    var logRequests = false

    @OptionGroup var search: SearchModelOptions

    /// Writes one request's line to standard error, after the time.
    @Sendable static func logLine(_ line: String) {
        FileHandle.standardError.write(Data("\(Date().ISO8601Format()) \(line)\n".utf8))
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port is from 0 to 65535.") }
    }

    func run() async throws {
        let store = try search.openIndex()
        let models = search.loadModels(prepacking: true)
        for note in models.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let searcher = Searcher(index: store, keywords: models.keywords, clip: models.clip, sentences: models.sentences,
                                options: SearchOptions(fusion: search.fusionSetting))
        let library = SearchLibrary(store: store, searcher: searcher, notes: models.notes)
        if !isLoopback(host) {
            FileHandle.standardError.write(Data(("warning: listening on \(host): anyone who can reach this machine can search "
                                                 + "the index and view its images (there is no authentication).\n").utf8))
        }
        await library.warmUp()
        let location = store.url?.path ?? "the index"
        let shown = host.contains(":") ? "[\(host)]" : host
        try await serve(library, host: host, port: port, requestLog: logRequests ? Self.logLine : nil) { bound in
            // Unbuffered, so that a script starting the server can read the address at once.
            FileHandle.standardOutput.write(Data("Serving \(location) at http://\(shown):\(bound)/ (Ctrl-C stops)\n".utf8))
        }
    }
}
