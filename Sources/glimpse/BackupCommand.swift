import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse backup`: a checked copy of the index database, taken while it may be in use.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the index to a backup file: consistent while an index run goes on, compacted and checked.",
        discussion: """
            The backup is one file holding every description and embedding; `glimpse restore BACKUP` puts it back, and \
            `--index BACKUP` searches it as it is. The memory-mapped files beside the index are not copied: they are \
            rebuilt from the database. Give a folder to get a new dated file in it (index-YYYYMMDD-HHMMSS.sqlite); with \
            --keep N only the newest N of those stay (for a daily job: glimpse backup ~/glimpse-backups --keep 7).
            """
    )

    @Argument(help: ArgumentHelp("The backup file to write, or a folder for a new dated file.", valueName: "destination"))
    var destination: String

    @Flag(help: "Replace the destination file if it exists (only once the new copy is complete and checked).")
    var force = false

    @Option(help: ArgumentHelp("With a folder: keep only the newest N dated backups in it, removing older ones once the new one is written.",
                               valueName: "N"))
    var keep: Int?

    @Flag(help: "Print what was written as JSON.")
    var json = false

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep is at least 1.") }
    }

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let store = try location.openExisting()
        let start = ContinuousClock.now
        let target = URL(filePath: destination)
        if keep != nil && (try? target.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) != true {
            throw ValidationError("--keep needs an existing folder as the destination; \(destination) is not one.")
        }
        let report = try IndexBackup.write(store, to: target, overwrite: force)
        let removed = try keep.map { try IndexBackup.prune(target, keeping: $0) } ?? []
        if json {
            print(try JSONLine.encode(report))
        } else {
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("Backed up \(report.images) image(s) to \(report.path) "
                  + "(\(ByteCountFormatter.string(fromByteCount: report.bytes, countStyle: .file)), \(String(format: "%.1f", seconds)) s).")
            for path in removed { print("Removed the older backup \(path).") }
        }
    }
}

/// `glimpse restore`: replaces the index with a backup, keeping the index it replaces.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the index with a backup (checked first); the index it replaces is kept beside it.",
        discussion: """
            The backup is checked before anything changes. The current index is moved to \
            INDEX.before-restore-YYYYMMDD-HHMMSS (delete it once you are satisfied). Refused while `glimpse index` runs \
            on the index. The files that make search fast are rebuilt before the command returns; a running \
            `glimpse serve` answers from the restored index from its next request on.
            """
    )

    @Argument(help: ArgumentHelp("The backup file (written by glimpse backup, or another index database).", valueName: "backup"))
    var backup: String

    @Flag(help: "Print what was done as JSON.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let report = try IndexBackup.restore(from: URL(filePath: backup), to: location.url)
        if !json { print("Restored \(report.images) image(s) from \(report.backup) to \(report.index); preparing it for search…") }
        // The embedding and full-text files are made now, so that the first search does not wait for them.
        try location.open().prepareForSearch()
        if json {
            print(try JSONLine.encode(report))
        } else {
            if let previous = report.previous { print("The index it replaced is kept at \(previous).") }
        }
    }
}
