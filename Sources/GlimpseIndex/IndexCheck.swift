import Foundation
import GRDB

/// Reading an index through to learn whether it is whole, without changing it (`glimpse doctor`).
public enum IndexCheck {
    /// The images the index at `url` holds, once SQLite's `quick_check` found every page of it readable and
    /// consistent, it is a Glimpse index, and no newer Glimpse wrote it. Read-only: nothing is migrated.
    /// Throws `IndexError.damaged` with what is wrong.
    public static func images(inIndexAt url: URL) throws -> Int {
        let queue = try IndexBackup.openChecked(url) { IndexError.damaged(path: url.path, operation: "checking it", reason: $0) }
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM image") ?? 0 }
    }
}
