import Foundation
import GRDB

/// Indexed files with the same bytes: copies of one photo under several paths.
public struct IdenticalFiles: Sendable, Hashable, Codable {
    /// The fingerprint the copies share (`ContentHash`).
    public var contentHash: String
    /// The size of one copy in bytes (0 when unknown).
    public var size: Int64
    /// The copies' paths, sorted.
    public var paths: [String]
    /// Their image IDs, in the order of `paths`.
    public var images: [ImageID]

    /// Bytes the copies beyond the first take.
    public var extraBytes: Int64 { size * Int64(max(0, paths.count - 1)) }
}

/// What `glimpse duplicates --json` prints and `GET /api/duplicates` answers: the groups of identical
/// files, the most space their extra copies take first, and how many extra copies and bytes in all.
public struct DuplicateFilesReport: Sendable, Hashable, Codable {
    public var groups: [IdenticalFiles]
    public var extraCopies: Int
    public var extraBytes: Int64

    public init(groups: [IdenticalFiles]) {
        self.groups = groups
        extraCopies = groups.map { $0.paths.count - 1 }.reduce(0, +)
        extraBytes = groups.map(\.extraBytes).reduce(0, +)
    }
}

extension SQLiteIndexStore {
    /// Every group of two or more described images whose files have identical content, the groups whose
    /// extra copies take the most space first (then by first path).
    ///
    /// - Parameter places: when given, only the groups with at least one file under one of these
    ///   absolute paths, listed with all their copies wherever they are ("which of these are already
    ///   elsewhere in the library?").
    public func identicalFiles(under places: [String] = []) throws -> [IdenticalFiles] {
        let rows = try read("finding identical files") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, path, size, contentHash FROM image
                WHERE status IN ('quick', 'full') AND contentHash IN (
                    SELECT contentHash FROM image WHERE status IN ('quick', 'full') AND contentHash IS NOT NULL
                    GROUP BY contentHash HAVING count(*) > 1)
                ORDER BY contentHash, path
                """)
        }
        var groups: [IdenticalFiles] = []
        for row in rows {
            let hash: String = row["contentHash"], path: String = row["path"], id: ImageID = row["id"]
            if groups.last?.contentHash == hash {
                groups[groups.count - 1].paths.append(path)
                groups[groups.count - 1].images.append(id)
            } else {
                groups.append(IdenticalFiles(contentHash: hash, size: row["size"] ?? 0, paths: [path], images: [id]))
            }
        }
        if !places.isEmpty {
            let ranges = places.map(pathRange(under:))
            groups = groups.filter { group in
                group.paths.contains { path in
                    ranges.contains { path.utf8.elementsEqual($0.exact.utf8) || path.utf8.starts(with: $0.from.utf8) }
                }
            }
        }
        return groups.sorted { ($0.extraBytes, $1.paths[0]) > ($1.extraBytes, $0.paths[0]) }
    }
}
