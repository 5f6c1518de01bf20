import Foundation
import GRDB

/// Table `libraryFolder`: the folders the index was built from (`LibraryFolder`), each with its exclusion
/// patterns as a JSON array.
extension SQLiteIndexStore {
    public func libraryFolders() throws -> [LibraryFolder] {
        try read("reading the library's folders") { db in try Self.libraryFolders(db) }
    }

    public func setLibraryFolders(_ folders: [LibraryFolder]) throws {
        try write("remembering the library's folders") { db in try Self.setLibraryFolders(folders, db) }
    }

    static func libraryFolders(_ db: Database) throws -> [LibraryFolder] {
        try Row.fetchAll(db, sql: "SELECT path, exclusions FROM libraryFolder ORDER BY path").map { row in
            let patterns: String = row["exclusions"]
            return LibraryFolder(path: row["path"], exclusionPatterns: (try? JSONDecoder().decode([String].self, from: Data(patterns.utf8))) ?? [])
        }
    }

    static func setLibraryFolders(_ folders: [LibraryFolder], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM libraryFolder")
        for folder in folders {
            let patterns = String(decoding: try JSONEncoder().encode(folder.exclusionPatterns), as: UTF8.self)
            try db.execute(sql: "INSERT OR REPLACE INTO libraryFolder (path, exclusions) VALUES (?, ?)", arguments: [folder.path, patterns])
        }
    }

    /// The library's folders with the number of images indexed under each (`glimpse status`).
    static func libraryFolderCounts(_ db: Database) throws -> [IndexSummary.LibraryFolderCount] {
        try libraryFolders(db).map { folder in
            let range = pathRange(under: folder.path)
            let images = try Int.fetchOne(db, sql: "SELECT count(*) FROM image WHERE path = ? OR (path >= ? AND path < ?)",
                                          arguments: [range.exact, range.from, range.before]) ?? 0
            return IndexSummary.LibraryFolderCount(path: folder.path, exclusionPatterns: folder.exclusionPatterns, images: images)
        }
    }
}
