import Foundation
import GRDB

/// Everything that can go wrong in GlimpseIndex. Messages say what happened and what to do.
public enum IndexError: Error, LocalizedError, Equatable {
    /// The index database could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The database was written by a newer Glimpse (a migration this build does not know).
    case newerSchema(path: String)
    /// A folder given to the indexer does not exist or is not a folder.
    case notAFolder(path: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The import file is missing or unreadable.
    case unreadableImportFile(path: String, reason: String)
    /// A database operation failed.
    case database(operation: String, reason: String)
    /// SQLite found the database file damaged (a disk or copy fault, or a file changed behind its back).
    case damaged(path: String?, operation: String, reason: String)
    /// The disk (or the quota) holding the index is full: SQLite could not write.
    case diskFull(path: String?, operation: String)
    /// Another index run holds the index's run lock (`holder`: its process id, when known).
    case runInProgress(path: String, holder: Int32?)
    /// The store is asked for an image it does not hold.
    case unknownImage(ImageID)
    /// A backup could not be written to `path`; the index is unchanged.
    case backup(path: String, reason: String)
    /// The backup at `path` could not be restored; the index is unchanged.
    case restore(path: String, reason: String)
    /// The images under `from` could not be moved to `to` in the index; the index is unchanged.
    case relocate(from: String, to: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotOpen(path, reason):
            return "Cannot open the index at \(path): \(reason). Check that the folder exists and is writable, or choose another with --index PATH."
        case let .newerSchema(path):
            return "The index at \(path) was written by a newer version of Glimpse. Update Glimpse, or choose another index with --index PATH."
        case let .notAFolder(path):
            return "\(path) is not a folder. Give folders that contain images."
        case let .unreadableFile(path, reason):
            return "Cannot read \(path): \(reason). Check that the file exists and is readable."
        case let .unreadableImportFile(path, reason):
            return "Cannot read the import file \(path): \(reason). Give a readable JSON Lines file (one JSON object per line)."
        case let .database(operation, reason):
            return "The index database failed while \(operation): \(reason). If this repeats, check free disk space and file permissions."
        case let .damaged(path, operation, reason):
            let file = path ?? "the index database"
            return "The index at \(file) is damaged (\(reason), while \(operation)). Glimpse cannot repair it in place; "
                + "your images are untouched. Restore a backup (glimpse restore BACKUP), or move \(file) and the files beside it "
                + "that start with its name aside and run glimpse index on your folders again to rebuild it."
        case let .diskFull(path, operation):
            return "The disk holding the index\(path.map { " at \($0)" } ?? "") is full (while \(operation)). Everything saved "
                + "before is kept. Free some space, then run glimpse index again: it continues where it stopped."
        case let .runInProgress(path, holder):
            return "Another glimpse index is running on the index at \(path)\(holder.map { " (process \($0))" } ?? ""). "
                + "It saves every image as it goes: wait for it to finish, or stop it (Ctrl-C) and run this again to continue "
                + "where it stopped. Searching meanwhile works."
        case let .unknownImage(id):
            return "The index holds no image with id \(id). Run glimpse status to see what the index holds."
        case let .backup(path, reason):
            return "Cannot back up the index to \(path): \(reason). The index is unchanged."
        case let .restore(path, reason):
            return "Cannot restore the index from \(path): \(reason). The index is unchanged."
        case let .relocate(from, to, reason):
            return "Cannot move \(from) to \(to) in the index: \(reason). The index is unchanged."
        }
    }
}

extension IndexError {
    /// Runs `body`, turning errors that are not already `IndexError` into `.damaged` (SQLite found the
    /// file at `path` corrupt), `.diskFull` or `.database(operation:…)`.
    static func wrapping<T>(_ operation: String, path: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IndexError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            throw IndexError.damaged(path: path, operation: operation, reason: error.message ?? "\(error.resultCode)")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw IndexError.diskFull(path: path, operation: operation)
        } catch {
            throw IndexError.database(operation: operation, reason: "\(error)")
        }
    }

    /// The error for a database at `path` that could not be opened: `.damaged` when SQLite found it
    /// corrupt, else `.cannotOpen`.
    static func opening(_ path: String, _ error: any Error) -> IndexError {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CORRUPT {
            return .damaged(path: path, operation: "opening it", reason: error.message ?? "\(error.resultCode)")
        }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
            return .diskFull(path: path, operation: "opening it")
        }
        return .cannotOpen(path: path, reason: "\(error)")
    }

    /// Whether the error is the store's own (it cannot be read or written), not the image's: an index
    /// run stops on it instead of recording the image as failed, which would skip the image next time.
    var isStoreFailure: Bool {
        switch self {
        case .database, .damaged, .diskFull, .cannotOpen, .newerSchema: return true
        case .notAFolder, .unreadableFile, .unreadableImportFile, .runInProgress, .unknownImage, .backup, .restore, .relocate: return false
        }
    }
}
