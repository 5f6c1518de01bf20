import ArgumentParser
import Foundation
import GlimpseIndex
import GlimpseRuntime
import GlimpseSearch

/// `glimpse duplicates`: the indexed files that are byte-for-byte copies of each other.
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List the indexed photos stored more than once (identical files), or those that look alike (--similarity).",
        discussion: """
            Copies are files with identical content, recognised by the fingerprint each file gets when it is \
            indexed; the groups whose extra copies take the most space come first. Nothing is deleted or moved. \
            With --in, only the groups with a file under that folder are listed, with all their copies wherever \
            they are: which of these photos are already elsewhere in the library.

            With --similarity S, pictures that look alike without being the same file (a burst of shots, another \
            exposure, a resized or re-encoded copy) are grouped: images whose CLIP image embeddings have a cosine \
            of at least S are linked, and linked images form a group. Every pair is compared, so with --in the \
            images under the folder are compared with each other only; thousands take a fraction of a second, a \
            library of 100,000 some minutes (with a progress line on a terminal). For one picture's look-alikes, \
            use `glimpse similar FILE`.
            """
    )

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Only groups with a file under this folder (repeatable); relative to the current folder.", valueName: "folder"))
    var folders: [String] = []

    @Option(help: ArgumentHelp("""
        Group the images that look alike: linked when the cosine of their CLIP image embeddings is at least this \
        (0 to 1; identical pictures have 1, and 0.95 is a strict start).
        """, valueName: "cosine"))
    var similarity: Float?

    @Flag(help: """
        Print the groups as JSON: {"groups": [{"contentHash", "size", "paths", "images"}], "extraCopies", "extraBytes"}; \
        with --similarity {"groups": [{"paths", "images", "leastSimilarity"}], "similarity"}.
        """)
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func validate() throws {
        if let similarity, !(similarity > 0 && similarity <= 1) {
            throw ValidationError("--similarity is a cosine above 0 and at most 1, such as 0.95.")
        }
    }

    func run() async throws {
        let store = try location.openExisting()
        let places = folders.map { URL(filePath: $0).standardizedFileURL.path }
        if let similarity {
            try printAlike(try lookAlikes(in: store, similarity: similarity, places: places), similarity: similarity)
            return
        }
        let groups = try store.identicalFiles(under: places)
        let report = DuplicateFilesReport(groups: groups)
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
            for path in group.paths { print("  \(TerminalText.escaped(path))") }
        }
        print("\(groups.count) photo(s) stored more than once; the \(report.extraCopies) extra copies take \(Self.bytes(report.extraBytes)).")
    }

    /// The groups of look-alikes, with a progress line on standard error when it is a terminal.
    private func lookAlikes(in store: SQLiteIndexStore, similarity: Float, places: [String]) throws -> [NearDuplicateGroup] {
        let terminal = isatty(STDERR_FILENO) != 0
        let shown = Locked(-1)
        let groups = try NearDuplicateFinder(index: store).groups(threshold: similarity, folders: places) { done, total in
            guard terminal, total > 0 else { return }
            let percent = done * 100 / total
            guard shown.withLock({ let changed = $0 != percent; $0 = percent; return changed }) else { return }
            FileHandle.standardError.write(Data("\rcomparing \(total) pairs: \(percent)%".utf8))
        }
        if terminal && shown.withLock({ $0 }) >= 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        return groups
    }

    private func printAlike(_ groups: [NearDuplicateGroup], similarity: Float) throws {
        struct Report: Encodable {
            var groups: [NearDuplicateGroup]
            var similarity: Float
        }
        if json {
            print(try JSONLine.encode(Report(groups: groups, similarity: similarity)))
            return
        }
        guard !groups.isEmpty else {
            print("No two indexed images look alike at a similarity of \(similarity) or more.")
            return
        }
        for group in groups {
            print("\(group.paths.count) images alike (similarity \(String(format: "%.3f", group.leastSimilarity)) or more):")
            for path in group.paths { print("  \(TerminalText.escaped(path))") }
        }
        print("\(groups.count) group(s) of look-alikes, \(groups.map(\.paths.count).reduce(0, +)) images.")
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
