import Foundation
import GlimpseImage
import GRDB

// The names of the places located photos were taken at (`PlaceNaming`): stored on the image row, searched
// through the full-text table's `tags` column.
extension SQLiteIndexStore {
    public func namePlaces(with naming: any PlaceNaming) throws -> Int {
        // The stamp (`placeStamp`) is the namer's identity and the location, written by SQLite on both sides
        // so that the comparison is exact and stays in SQLite: a run with nothing to name scans in C.
        let stale = try read("finding places to name") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, latitude, longitude FROM image
                WHERE (latitude IS NOT NULL AND placeStamp IS NOT \(Self.placeStamp))
                   OR (latitude IS NULL AND placeStamp IS NOT NULL)
                """, arguments: [naming.identity]).map { row -> (id: ImageID, location: PhotoLocation?) in
                (row["id"], PhotoLocation(latitude: row["latitude"] ?? .nan, longitude: row["longitude"] ?? .nan))
            }
        }
        for start in stride(from: 0, to: stale.count, by: 1000) {
            let batch = try stale[start..<min(stale.count, start + 1000)].map { entry in
                (entry, try entry.location.map { try naming.names(at: $0).joined(separator: ", ") })
            }
            try write("recording places") { db in
                // Only where the location is still the one named (another writer may have moved it meanwhile).
                let update = try db.cachedStatement(sql: """
                    UPDATE image SET place = ?, placeStamp = CASE WHEN latitude IS NULL THEN NULL ELSE \(Self.placeStamp) END
                    WHERE id = ? AND latitude IS ? AND longitude IS ?
                    """)
                for (entry, place) in batch {
                    try update.execute(arguments: [place?.isEmpty == false ? place : nil, naming.identity, entry.id,
                                                   entry.location?.latitude, entry.location?.longitude])
                    try Self.recordTags(db, entry.id, tags: nil, stamp: nil)
                }
            }
        }
        return stale.count
    }

    public func imageIDs(takenAt name: String) throws -> [ImageID] {
        try read("finding the photos taken at \(name)") { db in
            try ImageID.fetchAll(db.cachedStatement(sql: "SELECT imageId FROM placeName WHERE name = ?"), arguments: [PlaceNameKey.of(name)])
        }
    }

    /// The stamp of a row's place as SQL over its columns, the namer's identity the parameter before:
    /// `IDENTITY LATITUDE,LONGITUDE`.
    static let placeStamp = "(? || ' ' || latitude || ',' || longitude)"
}
