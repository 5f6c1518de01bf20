import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse forget PATH…`: removes folders or files from the index without touching them.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove the images under folders (or single files) from the index; the files themselves are not touched.",
        discussion: """
            For a folder you no longer want searched: its descriptions are deleted from the index (indexing it again \
            describes it again). The paths need not exist any more. To keep a folder out of later index runs, \
            name it in a .glimpseignore file or with `glimpse index --exclude`. Refused while `glimpse index` runs on \
            the index. Exits 1 when a path has no indexed image under it (a mistyped path forgets nothing).
            """
    )

    @Argument(help: ArgumentHelp("Folders or files whose images leave the index.", valueName: "path"))
    var paths: [String]

    @Flag(name: .customLong("dry-run"), help: "Count the images that would be forgotten, and change nothing.")
    var dryRun = false

    @Flag(help: "Print what was done as JSON.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let store = try location.openExisting()
        let report = try store.forgetImages(under: paths, dryRun: dryRun)
        if json {
            print(try JSONLine.encode(report))
        } else {
            for place in report.places {
                print(place.images == 0 ? "Nothing is indexed under \(place.path)."
                      : "\(place.images) image(s) under \(place.path)")
            }
            print(dryRun ? "Dry run: \(report.found) image(s) would be forgotten; nothing changed."
                  : "Forgot \(report.removed) image(s); their files are untouched.")
        }
        if report.places.contains(where: { $0.images == 0 }) { throw ExitCode(1) }
    }
}
