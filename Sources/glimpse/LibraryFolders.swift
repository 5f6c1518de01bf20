import Foundation
import GlimpseIndex

/// What `glimpse index` and the commands around it say about the library's remembered folders (`LibraryFolder`).
enum LibraryFolders {
    /// The folders a run of `glimpse index` looks at: those given, or else those the index remembers.
    static func roots(given folders: [String], store: SQLiteIndexStore) throws -> ([String], IndexRoots) {
        guard folders.isEmpty else { return (folders, .given) }
        let remembered = try store.libraryFolders()
        guard !remembered.isEmpty else { throw noneRemembered(index: store.url?.path ?? "", exists: true) }
        return (remembered.map(\.path), .remembered)
    }

    /// The error of `glimpse index` without folders when there are none to index again.
    static func noneRemembered(index: String, exists: Bool) -> CommandError {
        CommandError((exists ? "The index at \(index) remembers no folders yet" : "There is no index at \(index) yet")
                     + ": give the folders to index (`glimpse index ~/Pictures`); later runs without folders index them again.")
    }

    /// The line of a run's summary that names the folders it began to remember; nil when there are none.
    static func rememberedLine(_ report: IndexReport) -> String? {
        guard !report.newlyRemembered.isEmpty else { return nil }
        return "Remembered as the library's: " + report.newlyRemembered.map(TerminalText.escaped).joined(separator: ", ")
            + " (`glimpse index` without folders indexes them again)."
    }

    /// `glimpse status`'s line of the library's folders with their images; nil when the index is empty.
    static func statusLine(_ summary: IndexSummary) -> String? {
        guard !summary.libraryFolders.isEmpty else {
            return summary.total > 0 ? "Folders: none remembered (give them once to `glimpse index` to have them remembered)" : nil
        }
        let folders = summary.libraryFolders.map { folder in
            let excluding = folder.exclusionPatterns.isEmpty ? "" : ", excluding " + folder.exclusionPatterns.map(TerminalText.escaped).joined(separator: " ")
            let away = FileManager.default.fileExists(atPath: folder.path) ? "" : ", not there now"
            return "\(TerminalText.escaped(folder.path)) (\(folder.images) image(s)\(excluding)\(away))"
        }
        return "Folders: " + folders.joined(separator: ", ") + " (what `glimpse index` without folders indexes)"
    }
}
