import ArgumentParser
import Foundation
import GlimpseDescribe
import GlimpseHub
import GlimpseImage
import GlimpseIndex
import GlimpseModels
import GlimpseRuntime
import GlimpseSearch
import GlimpseText

/// `glimpse search "query"`: ranked images with explanations, from the index.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find images by a description; say what must not be in them (\"a dog on a sofa, but no cartoon\").",
        discussion: """
            Ranks the indexed images by full text (BM25 over descriptions and keywords), CLIP text → image \
            similarity and MiniLM description similarity, fused. Negated parts ("no X", "without X", "not X", \
            "excluding X", "-X") demote images that show X, or exclude them with --strict. Without a model the \
            other rankers still answer, and the output says so. With - as the query, queries are read from \
            standard input, one per line (a prompt when it is a terminal), and each is answered in milliseconds \
            once the models are loaded; a query that fails is reported and the next one is read (exit 1 at the end).
            """
    )

    @Argument(help: """
        What to look for, in plain English (at most 1,000 characters); - reads queries from standard \
        input, one per line, and answers each as it comes with the models loaded once. A query that only \
        says when ("photos from last weekend"), or an empty one with a filter (--in, --taken, --rating, \
        --near, --camera), lists the photos in the order taken.
        """)
    var query: String

    @Option(name: .shortAndLong, help: "How many results to print.")
    var limit = 10

    @Flag(help: """
        Print the response as JSON: the parsed query, the results with explanations, notes, timings \
        (with -, one compact JSON document per line; {"error", "query"} for a query that failed).
        """)
    var json = false

    @Flag(help: "Drop images that show a negated concept instead of moving them down.")
    var strict = false

    @Flag(help: """
        Group look-alikes: an image whose CLIP image embedding is at least 0.95 alike with a result above it (another \
        frame of a burst, a resized copy) is listed under that result instead of taking a place of its own.
        """)
    var group = false

    @Flag(name: .customLong("newest-first"), help: """
        With nothing to look for (a query that only says when, or none with a filter), list the newest photos first \
        instead of the oldest.
        """)
    var newestFirst = false

    @Option(name: .customLong("group-at"), help: ArgumentHelp("--group from this cosine instead of 0.95 (lower groups more).", valueName: "cosine"))
    var groupAt: Double?

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Search only the images under this folder (repeatable: under any of them); relative to the current folder.",
        valueName: "folder"))
    var folders: [String] = []

    @Option(help: ArgumentHelp("""
        Search only the photos taken within a span, by the date their files record (EXIF): a year, month or day \
        (2019, 2019-06, 2019-06-14), or a span of those (2019-06..2019-08, ..2010, 2020..); photos without a date \
        are left out.
        """, valueName: "dates"))
    var taken: String?

    @Option(help: ArgumentHelp("""
        Search only the photos rated at least this many stars (1 to 5) in the tags a photo manager wrote \
        (XMP in the file or a sidecar beside it).
        """, valueName: "stars"))
    var rating: Int?

    @Option(help: ArgumentHelp("""
        Search only the photos taken near a place: coordinates (48.8584,2.2945, latitude and longitude in degrees, \
        south and west negative) or a photo whose file records where it was taken (its GPS).
        """, valueName: "place"))
    var near: String?

    @Option(help: ArgumentHelp("How far from the place of --near, in kilometres (default 2).", valueName: "km"))
    var within: Double?

    @Option(help: CameraOption.help("Search"))
    var camera: String?

    @Option(help: ArgumentHelp("""
        Instead of the results, say where this indexed image stands for the query and why: its place in the answer \
        and in each ranker's list, each ranker's score, the query words its description holds or lacks, and the \
        penalties negation gives it.
        """, valueName: "file"))
    var why: String?

    @OptionGroup(title: "Output") var pathList: PathListOptions
    @OptionGroup var search: SearchModelOptions

    /// Whether the queries come from standard input.
    var readsQueries: Bool { query == "-" }

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        if why != nil && readsQueries { throw ValidationError("--why needs one query, not - (queries from standard input).") }
        try pathList.validate(json: json)
        if let groupAt, !(groupAt > 0 && groupAt < 1) { throw ValidationError("--group-at is a cosine between 0 and 1, such as 0.9.") }
        if why != nil && lookAlikeSimilarity != nil {
            throw ValidationError("--why explains an image's place among all results; it does not go with --group.")
        }
        if pathList.isOn && (why != nil || readsQueries) {
            throw ValidationError("--paths lists the results of one query; for --why or queries from standard input use --json.")
        }
        _ = try TakenOption.range(taken)
        if let rating, !(1...5).contains(rating) { throw ValidationError("--rating is a number of stars, 1 to 5.") }
        try NearOption.validate(near: near, within: within)
        _ = try CameraOption.query(camera)
    }

    func run() async throws {
        let store = try search.openIndex()
        let described = try store.describedImageCount()
        if described == 0 {
            throw CommandError("The index \(store.url?.path ?? "") holds no described image yet: run `glimpse index FOLDER` "
                                  + "(or `glimpse import FILE.jsonl`) first.")
        }
        // Many queries in one process repay packing the weights once.
        let models = search.loadModels(prepacking: readsQueries)
        var options = SearchOptions(limit: limit, fusion: search.fusionSetting)
        options.negation.mode = strict ? .strict : .soft
        options.folders = folders.map { URL(filePath: $0).standardizedFileURL.path }
        options.taken = try TakenOption.range(taken)
        options.minimumRating = rating
        options.near = try NearOption.area(near: near, within: within, store: store)
        options.camera = try CameraOption.query(camera)
        options.lookAlikeSimilarity = lookAlikeSimilarity
        options.newestFirst = newestFirst
        let searcher = Searcher(index: store, keywords: models.keywords, clip: models.clip, sentences: models.sentences,
                                options: options)
        for note in models.notes where !json { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        if let why {
            let image = try WhyReport.describedImage(at: why, in: store)
            let standing = try searcher.standing(of: image, for: query)
            print(json ? try WhyReport.json(standing) : WhyReport.text(standing, limit: limit))
            return
        }
        guard readsQueries else {
            try printResponse(searcher.search(query), notes: models.notes, described: described)
            return
        }
        var failures = 0
        let prompt = isatty(STDIN_FILENO) != 0 && isatty(STDERR_FILENO) != 0
        if prompt { FileHandle.standardError.write(Data("One query per line; Ctrl-D ends.\n".utf8)) }
        while true {
            if prompt { FileHandle.standardError.write(Data("search> ".utf8)) }
            guard let line = readLine() else { break }
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                try printResponse(searcher.search(line), notes: models.notes, described: described)
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("glimpse: \(line): \(error.localizedDescription)\n".utf8))
                // A line of JSON for every query, so that a script reading the answers keeps its place.
                if json { print(try Self.failureLine(query: line, error: error)) }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Prints one answer: as text, or as JSON (pretty for one query, a line each for queries from standard input).
    private func printResponse(_ response: SearchResponse, notes: [String], described: Int) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = readsQueries ? [.sortedKeys, .withoutEscapingSlashes]
                : [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            var response = response
            response.replaceModelNotes(with: notes)  // the loader's notes name the missing model and how to get it
            print(String(decoding: try encoder.encode(response), as: UTF8.self))
            return
        }
        // The loader's notes went to standard error before the first query; the searcher's others (an index
        // run in progress) go with each answer.
        var merged = response
        merged.replaceModelNotes(with: notes)
        for note in merged.notes where !notes.contains(note) {
            FileHandle.standardError.write(Data("note: \(note)\n".utf8))
        }
        if pathList.isOn { return pathList.write(response.results.map(\.path)) }
        let understood = response.query.summary
        print("query: " + (understood.isEmpty ? "nothing to look for (the photos the filters leave, in the order taken)" : understood))
        if response.results.isEmpty { print("No image matches. Try fewer or other words.") }
        for result in response.results {
            print(String(format: "%3d. %.4f  ", result.rank, result.score) + TerminalText.escaped(result.path)
                  + Self.facts(taken: result.taken, place: result.place, location: result.tags?.location,
                               camera: camera == nil ? nil : result.tags?.camera))
            print("     " + Self.excerpt(result.text))
            if let summary = result.tags?.summary, !summary.isEmpty { print("     tagged: " + TerminalText.escaped(summary)) }
            let why = result.explanation.summary  // empty for a listing by date: nothing was ranked
            if !why.isEmpty { print("     " + TerminalText.escaped(why)) }
            if let line = Self.lookAlikesLine(result) { print("     " + line) }
        }
        if response.excluded > 0 { print("\(response.excluded) image(s) excluded by --strict.") }
        print(String(format: "%d of %d described images shown; searched in %.1f ms.", response.results.count, described,
                     response.timings.total))
    }

    /// The cosine `--group` and `--group-at` ask for; nil without them.
    var lookAlikeSimilarity: Double? { groupAt ?? (group ? SearchOptions.defaultLookAlikeSimilarity : nil) }

    /// `+ 3 look-alike(s): b.jpg 0.981, c.jpg 0.962, /other/d.jpg 0.951` under a result (names in the result's folder,
    /// paths elsewhere; the first five); nil when it has none.
    static func lookAlikesLine(_ result: SearchResult) -> String? {
        guard let alike = result.lookAlikes, !alike.isEmpty else { return nil }
        let folder = URL(filePath: result.path).deletingLastPathComponent().path
        let shown = alike.prefix(5).map { lookAlike in
            let url = URL(filePath: lookAlike.path)
            let name = url.deletingLastPathComponent().path == folder ? url.lastPathComponent : lookAlike.path
            return TerminalText.escaped(name) + String(format: " %.3f", lookAlike.similarity)
        }
        return "+ \(alike.count) look-alike(s): " + shown.joined(separator: ", ") + (alike.count > 5 ? ", …" : "")
    }

    /// `{"error": …, "query": …}` on one line: a failed query's place among JSON answers.
    static func failureLine(query: String, error: any Error) throws -> String {
        try JSONLine.encode(["error": error.localizedDescription, "query": query])
    }

    /// `  (taken 2019-06-14 15:02:11, at Lisbon, Portugal (38.72230,-9.13930))` after a result's path; empty
    /// when nothing is known.
    static func facts(taken: String?, place: String?, location: PhotoLocation?, camera: String? = nil) -> String {
        let when = taken.map { "taken \($0.replacingOccurrences(of: "T", with: " "))" }
        let coordinates = location.map(String.init(describing:))
        let at = place.map { "at \($0)" + (coordinates.map { " (\($0))" } ?? "") } ?? coordinates.map { "at \($0)" }
        let facts = [when, at, camera.map { "with \(TerminalText.escaped($0))" }].compactMap { $0 }
        return facts.isEmpty ? "" : "  (" + facts.joined(separator: ", ") + ")"
    }

    /// The description on one line, cut at a word boundary near 160 characters.
    static func excerpt(_ text: String, limit: Int = 160) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard line.count > limit else { return line }
        let cut = line.prefix(limit)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + " …"
    }
}

/// Options shared by `glimpse search` and `glimpse eval`: the index, the models and the fusion.
struct SearchModelOptions: ParsableArguments {
    @OptionGroup var location: IndexLocationOptions

    @Option(name: .customLong("clip"), help: ArgumentHelp(
        "A CLIP model folder (default: openai/clip-vit-base-patch32 in the model cache, when present).", valueName: "dir"))
    var clipFolder: String?

    @Option(name: .customLong("minilm"), help: ArgumentHelp(
        "A sentence-transformers folder (default: all-MiniLM-L6-v2 in the model cache, when present).", valueName: "dir"))
    var sentenceFolder: String?

    @Flag(name: .customLong("text-only"), help: "Use the full-text ranker alone (no models are loaded).")
    var textOnly = false

    @Option(help: ArgumentHelp("How rankers are fused: weighted (calibrated weighted sum, the best on Glimpse's "
                               + "evaluation set) or rrf (reciprocal rank, k = 60), both with weights full text 1, CLIP 1, MiniLM 3.",
                               valueName: "method"))
    var fusion = "weighted"

    @Option(name: .customLong("ort-library"), help: ArgumentHelp("Path of the ONNX Runtime shared library.", valueName: "path"))
    var ortLibrary: String?

    var fusionSetting: Fusion {
        fusion == "rrf" ? Fusion(method: .reciprocalRank(k: 60), weights: Fusion.standard.weights) : Fusion.standard
    }

    func validate() throws {
        guard ["rrf", "weighted"].contains(fusion) else { throw ValidationError("--fusion is rrf or weighted.") }
    }

    /// The index at --index or the default location; an error that says how to make one when it is missing.
    func openIndex() throws -> SQLiteIndexStore { try location.openExisting() }

    /// The keyword extractor that indexing uses (so query compounds meet the stored ones), with CLIP and
    /// MiniLM where their folders exist and notes for the ones missing (never downloads). WordNet is read
    /// while the models load: each is a good part of a search's start.
    ///
    /// - Parameter prepacking: whether ONNX Runtime packs the weights: slower to load, faster per query.
    func loadModels(prepacking: Bool = false) -> SearchModels {
        let keywords = BackgroundWork { KeywordExtractorChoice.make() }
        guard !textOnly else {
            return SearchModels(keywords: keywords.value(), notes: ["--text-only: full-text ranking only."])
        }
        // For one query, unpacked weights load 2–3× faster (CLIP's text tower and MiniLM: about 0.2 s less
        // before the answer) and cost a few milliseconds in that one query.
        let models = OptionalModels(clip: clipFolder, minilm: sentenceFolder, ortLibrary: ortLibrary,
                                    withoutCLIP: "image similarity is not used",
                                    withoutMiniLM: "description similarity is not used", clipTowers: .text, prepacking: prepacking)
        return SearchModels(keywords: keywords.value(), clip: models.clip, sentences: models.sentences, notes: models.notes)
    }
}

/// What `glimpse search` and `glimpse eval` search with.
struct SearchModels {
    var keywords: any KeywordExtracting
    var clip: (any ImageTextEmbedding)?
    var sentences: (any SentenceEncoding)?
    /// The missing or unloadable models: what to do and what the search does without them.
    var notes: [String]
}
