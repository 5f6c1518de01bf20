import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse relocate FROM TO`: the library moved; its descriptions follow without being made again.
struct RelocateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relocate",
        abstract: "Tell the index that a folder of images now lives elsewhere (another disk, another mount point).",
        discussion: """
            Every image indexed under FROM moves to the same path under TO, with its description, in one step and \
            without reading a file: after copying a library to a new disk, renaming a folder outside Glimpse, or \
            when a drive is mounted at another place. (An index run of TO would recognise the pictures too, but only \
            by reading every file.) Refused while `glimpse index` runs on the index, when TO does not exist, and when \
            none of the files is at its new path — a mistyped destination — unless --even-if-missing. An image \
            already indexed at its new path keeps that entry. Files that are not at their new path are dealt with by \
            the next `glimpse index TO`. The library's remembered folders move along (see `glimpse index`).
            """
    )

    @Argument(help: ArgumentHelp("Where the images were indexed (a folder, or a single file).", valueName: "from"))
    var from: String

    @Argument(help: ArgumentHelp("Where they are now.", valueName: "to"))
    var to: String

    @Flag(name: .customLong("dry-run"), help: "Count what would move, and change nothing.")
    var dryRun = false

    @Flag(name: .customLong("even-if-missing"), help: "Move the entries even when none of the files is at its new path yet.")
    var evenIfMissing = false

    @Flag(help: "Print what was done as JSON.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let store = try location.openExisting()
        let report = try store.relocateImages(from: from, to: to, evenIfMissing: evenIfMissing, dryRun: dryRun)
        print(json ? try JSONLine.encode(report) : Self.text(report))
    }

    static func text(_ report: RelocationReport) -> String {
        let (from, to) = (TerminalText.escaped(report.from), TerminalText.escaped(report.to))
        var lines = [(report.dryRun ? "Dry run: would move" : "Moved") + " \(report.images) image(s) from \(from) to \(to) "
                     + "in the index; \(report.foundAtNewPlace) of their files are there."]
        if report.alreadyThere > 0 {
            lines.append("\(report.alreadyThere) of them were already indexed at their new path: "
                         + (report.dryRun ? "their old entries would go." : "their old entries are gone."))
        }
        if report.foundAtNewPlace < report.images {
            lines.append("The next `glimpse index \(to)` removes the entries of files that are not there "
                         + "(their descriptions are kept aside and come back if the files do).")
        }
        if let folders = report.libraryFolders {
            lines.append("The library's folders " + (report.dryRun ? "would be" : "are now") + ": " + folders.map(TerminalText.escaped).joined(separator: ", ") + ".")
        }
        if report.dryRun { lines.append("Nothing changed.") }
        return lines.joined(separator: "\n")
    }
}
