import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse forget PATH…`: removes folders or files from the index without touching them.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove the images under folders (or single files) from the index; the files themselves are not touched.",
        discussion: """
            For a folder you no longer want searched. The paths need not exist any more. The descriptions leave \
            what search reads but are kept aside for \(ShelvedDescription.defaultShelfLifeDays) days: indexing the \
            same pictures again (from anywhere) takes them back without running the models. With --for-good they \
            are deleted, together with any kept earlier from under the paths (photos you want no trace of). To keep \
            a folder out of later index runs, name it in a .glimpseignore file or with `glimpse index --exclude`; a \
            remembered folder of the library that is forgotten (or lies under a path forgotten) is no longer remembered. \
            Refused while `glimpse index` runs on the index. Exits 1 when a path has nothing indexed under it \
            (a mistyped path forgets nothing).
            """
    )

    @Argument(help: ArgumentHelp("Folders or files whose images leave the index.", valueName: "path"))
    var paths: [String]

    @Flag(name: .customLong("dry-run"), help: "Count the images that would be forgotten, and change nothing.")
    var dryRun = false

    @Flag(name: .customLong("for-good"),
          help: "Delete the descriptions instead of keeping them aside, and those kept earlier from under the paths.")
    var forGood = false

    @Flag(help: "Print what was done as JSON.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let store = try location.openExisting()
        let report = try store.forgetImages(under: paths, forGood: forGood, dryRun: dryRun)
        if json {
            print(try JSONLine.encode(report))
        } else {
            print(Self.text(report, dryRun: dryRun))
        }
        if report.places.contains(where: { $0.images == 0 && !(forGood && $0.keptDescriptions > 0) }) { throw ExitCode(1) }
    }

    static func text(_ report: ForgetReport, dryRun: Bool) -> String {
        var lines = report.places.map { place in
            let path = TerminalText.escaped(place.path)
            var line = place.images == 0 ? "Nothing is indexed under \(path)." : "\(place.images) image(s) under \(path)"
            if report.forGood && place.keptDescriptions > 0 {
                line += " (and \(place.keptDescriptions) kept description(s) of images removed earlier)"
            }
            return line
        }
        for place in report.places where place.images > 0 {
            guard let folder = place.libraryFolder.map(TerminalText.escaped) else { continue }
            lines.append("\(TerminalText.escaped(place.path)) lies in \(folder), a folder of the library: the next `glimpse index` finds its images again "
                         + "unless a .glimpseignore there (or `glimpse index \(folder) --exclude …`) leaves them out.")
        }
        if !report.libraryFoldersForgotten.isEmpty {
            lines.append((dryRun ? "Would no longer remember" : "No longer remembered") + " as the library's: "
                         + report.libraryFoldersForgotten.map(TerminalText.escaped).joined(separator: ", ") + " (`glimpse index` without folders leaves them alone).")
        }
        let kept = report.places.reduce(0) { $0 + $1.keptDescriptions }
        if dryRun {
            lines.append("Dry run: \(report.found) image(s) would be forgotten"
                         + (report.forGood && kept > 0 ? " and up to \(kept) kept description(s) deleted" : "") + "; nothing changed.")
        } else if report.forGood {
            lines.append("Forgot \(report.removed) image(s) for good"
                         + (report.keptDescriptionsDeleted > 0 ? " and deleted \(report.keptDescriptionsDeleted) kept description(s)" : "")
                         + "; their files are untouched.")
        } else {
            lines.append("Forgot \(report.removed) image(s); their files are untouched. Their descriptions are kept aside for "
                         + "\(ShelvedDescription.defaultShelfLifeDays) days: indexing the same pictures again takes them back "
                         + "(--for-good deletes them).")
        }
        return lines.joined(separator: "\n")
    }
}
