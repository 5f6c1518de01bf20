import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse duplicates`: the indexed files that are byte-for-byte copies of each other.
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List the indexed photos stored more than once (identical files under several paths).",
        discussion: """
            Copies are files with identical content, recognised by the fingerprint each file gets when it is \
            indexed; the groups whose extra copies take the most space come first. Nothing is deleted or moved. \
            With --in, only the groups with a file under that folder are listed, with all their copies wherever \
            they are: which of these photos are already elsewhere in the library. For pictures that look alike \
            without being the same file (another exposure, a resized copy), use `glimpse similar FILE`.
            """
    )

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Only groups with a file under this folder (repeatable); relative to the current folder.", valueName: "folder"))
    var folders: [String] = []

    @Flag(help: "Print the groups as JSON: {\"groups\": [{\"contentHash\", \"size\", \"paths\", \"images\"}], \"extraCopies\", \"extraBytes\"}.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    struct Report: Encodable {
        var groups: [IdenticalFiles]
        var extraCopies: Int
        var extraBytes: Int64
    }

    func run() async throws {
        let store = try location.openExisting()
        let groups = try store.identicalFiles(under: folders.map { URL(filePath: $0).standardizedFileURL.path })
        let report = Report(groups: groups, extraCopies: groups.map { $0.paths.count - 1 }.reduce(0, +),
                            extraBytes: groups.map(\.extraBytes).reduce(0, +))
        if json {
            print(try JSONLine.encode(report))
            return
        }
        guard !groups.isEmpty else {
            print("No indexed photo is stored twice" + (folders.isEmpty ? "." : " with a copy under \(folders.joined(separator: ", "))."))
            return
        }
        for group in groups {
            print("\(group.paths.count) copies, \(Self.bytes(group.size)) each:")
            for path in group.paths { print("  \(path)") }
        }
        print("\(groups.count) photo(s) stored more than once; the \(report.extraCopies) extra copies take \(Self.bytes(report.extraBytes)).")
    }

    /// `count` bytes for people, in powers of 1,000 as file browsers show them ("820 bytes", "4.1 MB",
    /// "30 GB"). Written here because Foundation's `ByteCountFormatter` takes about 0.1 ms a call on
    /// Linux: a second for a list of 10,000 groups.
    static func bytes(_ count: Int64) -> String {
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        guard count >= 1000 else { return count == 1 ? "1 byte" : "\(count) bytes" }
        var value = Double(count) / 1000, unit = 0
        while value >= 999.5, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return (value < 9.95 ? String(format: "%.1f", value) : String(Int(value.rounded()))) + " " + units[unit]
    }
}
