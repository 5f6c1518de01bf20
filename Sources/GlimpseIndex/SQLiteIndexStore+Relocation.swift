import Foundation
import GRDB

/// What `SQLiteIndexStore.relocateImages(from:to:)` did, or for a dry run would do.
public struct RelocationReport: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    /// Indexed images under `from`: each now stands at the same path under `to`.
    public var images: Int
    /// Of those, the ones whose file is at its new path (a regular file).
    public var foundAtNewPlace: Int
    /// Of those, the ones already indexed at their new path (an index run of `to` came first): that entry
    /// stays and the old one goes (its description kept aside when the new one has none).
    public var alreadyThere: Int
    public var dryRun: Bool
    /// The library's remembered folders afterwards (`LibraryFolder`), when the move changed them: a folder at
    /// or below `from` moves, and `to` joins when `from` lay inside one.
    public var libraryFolders: [String]?
}

extension SQLiteIndexStore {
    /// Moves the images indexed under `from` (a folder or a file) to the same paths under `to`, reading no
    /// file: for a library copied to another disk, or a drive mounted at another place. Ids, descriptions
    /// and embeddings stay, so nothing is described again; a file whose size and date did not change is not
    /// even read by the next index run. Relative paths are taken from the current folder.
    ///
    /// Refused (`IndexError.relocate`, nothing changed) while an index run holds the index, when `to` does
    /// not exist, when one path lies inside the other, when nothing is indexed under `from`, and — unless
    /// `evenIfMissing` — when none of the files is at its new path (a mistyped destination).
    public func relocateImages(from: String, to: String, evenIfMissing: Bool = false, dryRun: Bool = false) throws -> RelocationReport {
        let lock = try lockRuns()
        defer { withExtendedLifetime(lock) {} }
        let (from, to) = (FileScanner.normalise(from), FileScanner.normalise(to))
        func refuse(_ reason: String) -> IndexError { .relocate(from: from, to: to, reason: reason) }
        guard !Indexer.path(to, isIn: from), !Indexer.path(from, isIn: to) else { throw refuse("one of them lies inside the other") }
        guard FileScanner.status(to) != nil else { throw refuse("\(to) does not exist (mount the drive or finish the copy first)") }
        let images = try self.images(under: [from])
        guard let first = images.first else { throw refuse("nothing is indexed under \(from)") }
        func moved(_ path: String) -> String { to + path.dropFirst(from.count) }
        let found = images.count { FileScanner.status(moved($0.facts.path))?.isRegular == true }
        guard found > 0 || evenIfMissing else {
            throw refuse("none of the \(images.count) indexed file(s) is at its new path (the first would be \(moved(first.facts.path))); "
                         + "check the destination, or pass --even-if-missing")
        }
        var report = RelocationReport(from: from, to: to, images: images.count, foundAtNewPlace: found, alreadyThere: 0, dryRun: dryRun)
        let range = pathRange(under: from)
        let moving: StatementArguments = ["exact": range.exact, "from": range.from, "before": range.before, "to": to,
                                          "cut": from.unicodeScalars.count + 1]
        let work = { (db: Database) throws in
            // Images already indexed at their new path: that entry stays, the old one goes.
            let taken = try db.integers("""
                SELECT id FROM image AS old WHERE (path = :exact OR (path >= :from AND path < :before))
                    AND EXISTS (SELECT 1 FROM image AS other WHERE other.path = :to || substr(old.path, :cut))
                """, arguments: moving)
            report.alreadyThere = taken.count
            guard !dryRun else { return }
            let now = Date()
            for id in taken {
                try Self.shelve(id, at: now, in: db)
                try db.execute(sql: "DELETE FROM image WHERE id = ?", arguments: [id])
            }
            // The images whose telling folder or file names change with their paths (those in or just below `from`)
            // have their full-text rows brought up to date after the move.
            let renamed = try Row.fetchAll(db, sql: "SELECT id, path FROM image WHERE path = :exact OR (path >= :from AND path < :before)",
                                           arguments: moving).compactMap { row -> ImageID? in
                let old: String = row["path"]
                let new = to + String(String.UnicodeScalarView(old.unicodeScalars.dropFirst(from.unicodeScalars.count)))  // as :cut does
                return SearchDocument.pathNames(of: old) == SearchDocument.pathNames(of: new) ? nil : row["id"]
            }
            // The paths under `from` and those under `to` never meet (neither lies inside the other), so one
            // statement moves the rest without a clash of paths.
            var arguments = moving
            arguments += ["now": now]
            try db.execute(sql: """
                UPDATE image SET path = :to || substr(path, :cut), updatedAt = :now
                WHERE path = :exact OR (path >= :from AND path < :before)
                """, arguments: arguments)
            try db.execute(sql: """
                UPDATE shelvedDescription SET path = :to || substr(path, :cut) WHERE path = :exact OR (path >= :from AND path < :before)
                """, arguments: moving)
            for id in renamed { try Self.recordTags(db, id, tags: nil, stamp: nil) }
        }
        let folders = { (db: Database) throws in
            let remembered = try Self.libraryFolders(db), moved = remembered.relocating(from: from, to: to)
            guard moved != remembered else { return }
            report.libraryFolders = moved.map(\.path)
            if !dryRun { try Self.setLibraryFolders(moved, db) }
        }
        let both = { (db: Database) throws in try work(db); try folders(db) }
        if dryRun { try read("counting the images under \(from)", both) } else { try write("moving \(from) to \(to)", both) }
        return report
    }
}
