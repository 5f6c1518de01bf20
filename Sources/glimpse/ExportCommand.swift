import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse export [FILE]`: the descriptions in the index as JSON Lines, for other tools and for `glimpse import`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the indexed descriptions as JSON Lines (to standard output, or a file).",
        discussion: """
            One JSON object per described image, in path order: {"path", "caption", "regions": [{"caption", \
            "box": [x, y, width, height]}], "keywords", "text", "mode", "width", "height", "contentHash", "taken", "models"}; \
            compound keywords are written with a hyphen (blue-collar). `glimpse import` reads these files, so an \
            export can be imported into another index (the models then compute the embeddings again). Images not \
            described yet and failed ones are counted, not written. The export is one consistent snapshot, also \
            while `glimpse index` runs. A file appears only once it is complete: an interrupted export leaves no \
            half-written file (Ctrl-C deletes what was written), and an existing file is replaced only with --force.
            """
    )

    @Argument(help: ArgumentHelp("The file to write, or - for standard output.", valueName: "file"))
    var destination = "-"

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Only the images under this folder (repeatable); relative to the current folder.", valueName: "folder"))
    var folders: [String] = []

    @Option(help: ArgumentHelp("""
        Only the photos taken within a span, as `glimpse search --taken` (2019, 2019-06, 2019-06..2019-08, ..2010, 2020..).
        """, valueName: "dates"))
    var taken: String?

    @Option(help: ArgumentHelp("Only the photos rated at least this many stars (1 to 5), as `glimpse search --rating`.",
                               valueName: "stars"))
    var rating: Int?

    @Option(help: ArgumentHelp("""
        Only the photos taken near a place, as `glimpse search --near`: coordinates (48.8584,2.2945), a photo whose \
        file records where it was taken, or a town's name.
        """, valueName: "place"))
    var near: String?

    @Option(help: ArgumentHelp("How far from the place of --near, in kilometres (default 2 around coordinates or a photo).",
                               valueName: "km"))
    var within: Double?

    @Option(help: CameraOption.help("Export"))
    var camera: String?

    @Option(name: .customLong("relative-to"), help: ArgumentHelp("""
        Write the paths under this folder relative to it (others stay absolute); `glimpse import` reads relative \
        paths from the folder of its file, so save the export there to move it with the photos.
        """, valueName: "folder"))
    var relativeTo: String?

    @Flag(help: "Also write each whole stored description under \"description\" (dropped regions, CLIP's ranking, timings).")
    var full = false

    @Flag(help: "Replace the file if it exists.")
    var force = false

    @OptionGroup var location: IndexLocationOptions

    func validate() throws {
        _ = try TakenOption.range(taken)
        if let rating, !(1...5).contains(rating) { throw ValidationError("--rating is a number of stars, 1 to 5.") }
        try NearOption.validate(near: near, within: within)
        _ = try CameraOption.query(camera)
    }

    func run() async throws {
        let store = try location.openExisting()
        let area = try NearOption.area(near: near, within: within, store: store)
        let output = try ExportDestination(path: destination, replacing: force)
        // Ctrl-C deletes the partial file; the file under the name, if any, stays as it was.
        let partial = output.partial
        let interrupt = InterruptHandler {
            if let partial { unlink(partial.path) }
            Foundation.exit(130)
        }
        defer { interrupt.stop() }
        let report: ExportReport
        do {
            report = try store.exportDescriptions(
                options: ExportOptions(places: folders, relativeTo: relativeTo, taken: try TakenOption.range(taken),
                                       minimumRating: rating, near: area, camera: try CameraOption.query(camera), fullDescriptions: full),
                line: output.write)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
        // The summary goes to standard error, so that an export to standard output stays pure JSON Lines.
        var summary = Self.summary(report, to: output.name)
        let conditions = Self.conditions(folders: folders, taken: taken, rating: rating, area: area, camera: camera)
        let narrowed = !conditions.isEmpty
        if report.exported == 0 && narrowed {
            summary = "No described photo matches the filters (" + conditions.joined(separator: "; ") + "). " + summary
        }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        if report.exported == 0 && narrowed { throw ExitCode(1) }
    }

    /// What the filters ask for, in words: `indexed under /photos`, `taken in 2019`, `rated 4 stars or more`,
    /// `taken within 2.0 km of …`, `taken with a camera called "x100v"`.
    static func conditions(folders: [String], taken: String?, rating: Int?, area: NearbyArea?, camera: String? = nil) -> [String] {
        var conditions: [String] = []
        if !folders.isEmpty { conditions.append("indexed under " + folders.joined(separator: ", ")) }
        if let taken { conditions.append("taken in \(taken)") }
        if let rating { conditions.append("rated \(rating) star\(rating == 1 ? "" : "s") or more") }
        if let area { conditions.append("taken within \(area)") }
        if let camera { conditions.append("taken with a camera called \"\(camera)\"") }
        return conditions
    }

    static func summary(_ report: ExportReport, to name: String) -> String {
        var text = "Exported \(report.exported) description(s) to \(name)"
        var left: [String] = []
        if report.pending > 0 { left.append("\(report.pending) not described yet") }
        if report.failed > 0 { left.append("\(report.failed) failed") }
        if report.undecodable > 0 { left.append("\(report.undecodable) whose stored description is damaged") }
        if !left.isEmpty { text += "; left out: " + left.joined(separator: ", ") }
        return text + "."
    }
}
