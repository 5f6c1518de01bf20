import ArgumentParser
import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch

/// `glimpse similar FILE`: the indexed images that look like a picture.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Find the indexed images that look like a picture (copies and near-duplicates first).",
        discussion: """
            Compares CLIP image embeddings, whole picture against whole picture. An indexed picture is compared \
            by the embedding stored for it, so no model is loaded (this works even once its file is gone); any \
            other image file is embedded with CLIP first, which must be the model the index was built with. \
            Similarity is the cosine of the two embeddings: 1 for the same picture, about 0.9 and above for \
            copies and near-duplicates (another exposure, a crop, a resized copy).
            """
    )

    @Argument(help: "An image file, in the index or not.")
    var file: String

    @Option(name: .shortAndLong, help: "How many images to print.")
    var limit = 10

    @Option(name: .customLong("min-similarity"), help: ArgumentHelp(
        "Only images at least this alike (a cosine, such as 0.95 for near-duplicates of the picture).", valueName: "cosine"))
    var minimumSimilarity: Double?

    @Flag(help: "Print the answer as JSON: the indexed image asked about (if it is one), the results, notes, milliseconds.")
    var json = false

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Compare only with the images under this folder (repeatable: under any of them); relative to the current folder.",
        valueName: "folder"))
    var folders: [String] = []

    @Option(help: ArgumentHelp("""
        Compare only with the photos taken within a span, as `glimpse search --taken` (2019, 2019-06, \
        2019-06..2019-08, ..2010, 2020..).
        """, valueName: "dates"))
    var taken: String?

    @Option(help: ArgumentHelp("Compare only with the photos rated at least this many stars (1 to 5), as `glimpse search --rating`.",
                               valueName: "stars"))
    var rating: Int?

    @Option(help: ArgumentHelp("Compare only with the photos taken near a place, as `glimpse search --near` (coordinates, a photo, or a town's name).",
                               valueName: "place"))
    var near: String?

    @Option(help: ArgumentHelp("How far from the place of --near, in kilometres.", valueName: "km"))
    var within: Double?

    @Option(help: CameraOption.help("Compare with"))
    var camera: String?

    @OptionGroup(title: "Output") var pathList: PathListOptions
    @OptionGroup var location: IndexLocationOptions
    @OptionGroup var clip: CLIPOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        if let minimumSimilarity, !(-1...1).contains(minimumSimilarity) {
            throw ValidationError("--min-similarity is a cosine from -1 to 1, such as 0.95.")
        }
        _ = try TakenOption.range(taken)
        if let rating, !(1...5).contains(rating) { throw ValidationError("--rating is a number of stars, 1 to 5.") }
        try NearOption.validate(near: near, within: within)
        _ = try CameraOption.query(camera)
        try pathList.validate(json: json)
    }

    func run() async throws {
        let path = URL(filePath: file).standardizedFileURL.path
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if exists, isFolder.boolValue {
            throw CommandError("\(path) is a folder: give one picture (to compare only with the images of a folder, use --in).")
        }
        let places = folders.map { URL(filePath: $0).standardizedFileURL.path }
        var answer = try await lookAlikes(of: path, fileExists: exists, in: try location.openExisting(), places: places)
        if let minimumSimilarity { answer.results.removeAll { $0.similarity < minimumSimilarity } }
        try printAnswer(answer, of: path)
    }

    /// The look-alikes of the picture at `path`: by its stored embedding when the index has one, else by
    /// its file, embedded with CLIP.
    private func lookAlikes(of path: String, fileExists: Bool, in store: SQLiteIndexStore, places: [String]) async throws
        -> SimilarImages {
        let search = SimilarImageSearch(index: store)
        let area = try NearOption.area(near: near, within: within, store: store)
        if let indexed = try store.imageIDs(under: [path]).first(where: { try store.searchDocuments([$0]).first?.path == path }) {
            do {
                return try search.images(like: indexed, limit: limit, folders: places, taken: try TakenOption.range(taken),
                                         minimumRating: rating, near: area, camera: try CameraOption.query(camera))
            } catch SearchError.noImageEmbedding where fileExists {
                // Indexed without CLIP, or not described yet: the file itself is embedded below.
            }
        }
        guard fileExists else { throw CommandError("No file at \(path), and the index holds no picture there.") }
        // Decoded first: a file that is no picture fails before the model loads.
        let picture = try ImageDecoder.decode(contentsOf: URL(filePath: path))
        let model = try await clip.load(prepacking: false)  // one image
        let embedding = try model.embed(images: [picture]).floats()
        return try search.images(like: embedding, limit: limit, folders: places, taken: try TakenOption.range(taken),
                                 minimumRating: rating, near: area, camera: try CameraOption.query(camera))
    }

    private func printAnswer(_ answer: SimilarImages, of path: String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: try encoder.encode(answer), as: UTF8.self))
            return
        }
        for note in answer.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        if pathList.isOn { return pathList.write(answer.results.map(\.path)) }
        print("like: \(TerminalText.escaped(path))" + (answer.image.map { " (indexed image \($0))" } ?? " (not in the index: embedded with CLIP)"))
        if answer.results.isEmpty {
            print(minimumSimilarity.map { "No other indexed image is \($0) alike or more." } ?? "No other image is indexed with a CLIP embedding.")
        }
        for result in answer.results {
            print(String(format: "%3d. %.4f  ", result.rank, result.similarity) + TerminalText.escaped(result.path)
                  + SearchCommand.facts(taken: result.taken, place: result.place, location: nil))
            print("     " + SearchCommand.excerpt(result.text))
        }
        print(String(format: "compared in %.1f ms.", answer.milliseconds))
    }
}
