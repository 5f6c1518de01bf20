import Foundation
import GlimpseRuntime
import GlimpseText
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Backups of an index and their restore.
///
/// A backup is a consistent snapshot of the database, taken while the index may be in use (an index run
/// goes on meanwhile), compacted, checked, and standing on its own: one file, usable as an index with
/// `--index`. Only the database is copied: the files in `<index>.vectors/` are rebuilt from it. Every
/// copy gets a database id of its own, so an embedding file written for one copy is never taken for another's.
public enum IndexBackup {
    /// A backup written.
    public struct BackupReport: Sendable, Codable, Equatable {
        /// The backup file.
        public var path: String
        public var images: Int
        public var bytes: Int64
    }

    /// A restore done.
    public struct RestoreReport: Sendable, Codable, Equatable {
        /// The index now holding the backup's images.
        public var index: String
        /// The backup restored.
        public var backup: String
        public var images: Int
        /// Where the index that was replaced is kept (its database; `-wal` and `-shm` beside it); nil when
        /// there was none.
        public var previous: String?
    }

    /// Writes a backup of `store`'s database to `destination`: a file, or in a folder a new file
    /// `index-YYYYMMDD-HHMMSS.sqlite`. An existing file is replaced only when `overwrite` is set, and never
    /// before the new copy is complete and checked.
    public static func write(_ store: SQLiteIndexStore, to destination: URL, overwrite: Bool = false,
                             now: Date = Date()) throws -> BackupReport {
        try write(store, to: destination, overwrite: overwrite, now: now, availableBytes: availableBytes(in:))
    }

    /// `write`, with the free space of a folder's disk told by `availableBytes` (for tests).
    static func write(_ store: SQLiteIndexStore, to destination: URL, overwrite: Bool, now: Date,
                      availableBytes: (URL) -> Int64?) throws -> BackupReport {
        guard let source = store.url else {
            throw IndexError.backup(path: destination.path, reason: "an index in memory has no file to copy")
        }
        var target = destination
        if isFolder(destination) {
            target = destination.appending(path: "index-\(stamp(now)).sqlite")
            var sequence = 1
            while FileManager.default.fileExists(atPath: target.path) {  // a second backup within the second
                sequence += 1
                target = destination.appending(path: "index-\(stamp(now))-\(sequence).sqlite")
            }
        }
        let fail = { (reason: String) in IndexError.backup(path: target.path, reason: reason) }
        if sameFile(target, source) { throw fail("that is the index itself") }
        if FileManager.default.fileExists(atPath: target.path) && !overwrite {
            throw fail("the file exists (choose another name, give a folder, or add --force to replace it)")
        }
        let copy = try sealedCopy(of: store.database.writer, at: source, beside: target, availableBytes: availableBytes,
                                  failure: fail) { db in
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES ('backupOf', ?), ('backupAt', ?)",
                           arguments: [source.path, now.ISO8601Format()])
        }
        try place(copy.file, at: target, failure: fail)
        return BackupReport(path: target.path, images: copy.images, bytes: fileSize(target))
    }

    /// Removes the oldest dated backups (`index-YYYYMMDD-HHMMSS[-N].sqlite`, as `write` names them in a
    /// folder) in `folder` beyond the newest `keeping`; other files are never touched. Returns the paths removed.
    public static func prune(_ folder: URL, keeping: Int) throws -> [String] {
        let dated = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .compactMap { name in datedBackupOrder(name).map { (name, $0) } }
            .sorted { ($0.1.stamp, $0.1.sequence) < ($1.1.stamp, $1.1.sequence) }
        let removed = dated.dropLast(max(0, keeping)).map { folder.appending(path: $0.0).path }
        for path in removed { try FileManager.default.removeItem(atPath: path) }
        return removed
    }

    /// The time stamp and sequence number (1 for the first backup of its second) of a backup `write` made
    /// in a folder; nil for any other name.
    static func datedBackupOrder(_ name: String) -> (stamp: String, sequence: Int)? {
        guard name.hasPrefix("index-"), name.hasSuffix(".sqlite") else { return nil }
        let parts = name.dropFirst("index-".count).dropLast(".sqlite".count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 8, parts[1].count == 6,
              parts.prefix(2).allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        guard parts.count == 3 else { return (parts[0] + "-" + parts[1], 1) }
        guard let sequence = Int(parts[2]), sequence >= 2, String(sequence) == parts[2] else { return nil }
        return (parts[0] + "-" + parts[1], sequence)
    }

    /// Replaces the index at `index` with the backup at `backup` (or any other index database) after checking
    /// that it is whole. The index it replaces is kept beside it as `<index>.before-restore-YYYYMMDD-HHMMSS`
    /// (with its `-wal` and `-shm`); its embedding files are removed, to be rebuilt. Refused while an index
    /// run holds the index.
    public static func restore(from backup: URL, to index: URL, now: Date = Date()) throws -> RestoreReport {
        try restore(from: backup, to: index, now: now, availableBytes: availableBytes(in:))
    }

    /// `restore`, with the free space of a folder's disk told by `availableBytes` (for tests).
    static func restore(from backup: URL, to index: URL, now: Date, availableBytes: (URL) -> Int64?) throws -> RestoreReport {
        let fail = { (reason: String) in IndexError.restore(path: backup.path, reason: reason) }
        guard FileManager.default.fileExists(atPath: backup.path), !isFolder(backup) else { throw fail("there is no such file") }
        if sameFile(backup, index) { throw fail("that is the index itself") }
        let reader = try openChecked(backup, failure: fail)
        defer { try? reader.close() }

        do {
            try FileManager.default.createDirectory(at: index.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw fail("the index's folder cannot be created (\(error.localizedDescription))")
        }
        let lockURL = URL(filePath: index.path + ".lock")
        let lock: FileLock?
        do {
            lock = try FileLock.tryAcquire(lockURL)
        } catch {
            throw fail("the index's lock file cannot be created (\(error.reason))")
        }
        guard let lock else { throw IndexError.runInProgress(path: index.path, holder: FileLock.holder(of: lockURL)) }
        return try withExtendedLifetime(lock) {
            let copy = try sealedCopy(of: reader, at: backup, beside: index, availableBytes: availableBytes, failure: fail)
            let previous = try setAside(index, now: now, failure: fail)
            do {
                try place(copy.file, at: index, failure: fail)
            } catch {
                if let previous { try? restoreAside(previous, to: index) }
                throw error
            }
            try? FileManager.default.removeItem(at: URL(filePath: index.path + ".vectors"))
            return RestoreReport(index: index.path, backup: backup.path, images: copy.images, previous: previous?.path)
        }
    }

    // MARK: Copying

    /// A checked copy of the database that `reader` reads (the file at `source`) in a temporary file beside
    /// `target`: written by `VACUUM INTO` from one read snapshot, checked with `PRAGMA quick_check`, given
    /// a database id of its own, changed by `finish`, left as one self-contained file (rollback journal,
    /// not WAL) and flushed to the disk. Refused before anything is written when `availableBytes` says the
    /// target's disk cannot hold the database's pages in use.
    static func sealedCopy(of reader: any DatabaseReader, at source: URL, beside target: URL, availableBytes: (URL) -> Int64?,
                           failure: (String) -> IndexError, finish: (Database) throws -> Void = { _ in }) throws -> (file: URL, images: Int) {
        let temporary = TemporaryFiles.beside(target)
        TemporaryFiles.removeAbandoned(beside: target)
        do {
            do {
                try reader.unsafeReentrantRead { db in
                    let used = try Int64.fetchOne(db, sql: "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size") ?? 0
                    let folder = target.deletingLastPathComponent()
                    if let free = availableBytes(folder), free < used {
                        throw failure("there is not enough free space: the copy needs about \(bytesText(used)) and the disk of "
                                      + "\(folder.path) has \(bytesText(free)) free")
                    }
                    try db.execute(sql: "VACUUM INTO ?", arguments: [temporary.path])
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                throw IndexError.damaged(path: source.path, operation: "copying it", reason: error.message ?? "\(error.resultCode)")
            }
            let queue = try DatabaseQueue(path: temporary.path)
            let images = try queue.writeWithoutTransaction { db in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw failure("the copy does not pass SQLite's check (\(check.prefix(3).joined(separator: "; ")))")
                }
                try db.execute(sql: "UPDATE metadata SET value = ? WHERE key = 'databaseID'", arguments: [UUID().uuidString])
                try finish(db)
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM image") ?? 0
            }
            try queue.close()
            let handle = try FileHandle(forUpdating: temporary)
            try handle.synchronize()
            try handle.close()
            return (temporary, images)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            switch error {
            case let error as IndexError: throw error
            case let error as DatabaseError where error.resultCode == .SQLITE_FULL: throw failure("the disk is full")
            case let error as DatabaseError: throw failure("the copy cannot be written (\(error.message ?? "\(error.resultCode)"))")
            default: throw failure("the copy cannot be written (\(error.localizedDescription))")
            }
        }
    }

    /// Opens the database at `url` read-only after checking that it is a whole Glimpse index this build can read.
    static func openChecked(_ url: URL, failure: (String) -> IndexError) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            try queue.read { db in
                guard try db.tableExists("image"), try db.tableExists("metadata") else { throw failure("it is not a Glimpse index") }
                if try IndexDatabase.migrator.hasBeenSuperseded(db) {
                    throw failure("it was written by a newer version of Glimpse (update Glimpse first)")
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else { throw failure("it is damaged (\(check.prefix(3).joined(separator: "; ")))") }
            }
            return queue
        } catch let error as IndexError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw failure("it is not an SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            throw failure("it is damaged (\(error.message ?? "\(error.resultCode)"))")
        } catch {
            throw failure("it cannot be read (\(error))")
        }
    }

    // MARK: Files

    /// Renames `file` over `target` and flushes the folder, so that the rename survives a power cut.
    static func place(_ file: URL, at target: URL, failure: (String) -> IndexError) throws {
        guard rename(file.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: file)
            throw failure("the copy cannot be moved into place (\(reason))")
        }
        syncFolder(target.deletingLastPathComponent())
    }

    /// Moves the database at `index` and its `-wal` and `-shm` to `<index>.before-restore-STAMP`; nil when
    /// there is no database.
    static func setAside(_ index: URL, now: Date, failure: (String) -> IndexError) throws -> URL? {
        guard FileManager.default.fileExists(atPath: index.path) else { return nil }
        var aside = URL(filePath: index.path + ".before-restore-\(stamp(now))")
        var attempt = 1
        while FileManager.default.fileExists(atPath: aside.path) {
            attempt += 1
            aside = URL(filePath: index.path + ".before-restore-\(stamp(now))-\(attempt)")
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: index.path + suffix) {
            guard rename(index.path + suffix, aside.path + suffix) == 0 else {
                let reason = String(cString: strerror(errno))
                try? restoreAside(aside, to: index)
                throw failure("the index cannot be set aside (\(reason))")
            }
        }
        return aside
    }

    /// Moves a database set aside by `setAside` back to `index`.
    static func restoreAside(_ aside: URL, to index: URL) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: aside.path + suffix) {
            _ = rename(aside.path + suffix, index.path + suffix)
        }
    }

    /// Bytes that an unprivileged user may still write on the disk holding `folder`; nil when unknown.
    static func availableBytes(in folder: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(folder.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    static func bytesText(_ bytes: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
    }

    static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func isFolder(_ url: URL) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &folder) && folder.boolValue
    }

    /// Whether `a` and `b` are the same file, when both exist.
    static func sameFile(_ a: URL, _ b: URL) -> Bool {
        guard let first = FileIdentity(path: a.path) else { return false }
        return first == FileIdentity(path: b.path)
    }

    static func fileSize(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// `YYYYMMDD-HHMMSS` in UTC.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}
