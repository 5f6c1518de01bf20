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
        var aliased = Set<String>()  // the names whose other names this run wrote
        for start in stride(from: 0, to: stale.count, by: 1000) {
            var otherNames: [String: [String]] = [:]
            let batch = try stale[start..<min(stale.count, start + 1000)].map { entry in
                let named = try entry.location.map { try naming.namedPlace(at: $0) }
                for (name, others) in named?.otherNames ?? [:] where aliased.insert(name).inserted { otherNames[name] = others }
                return (entry, named?.names.joined(separator: ", "))
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
                let alias = try db.cachedStatement(sql: "INSERT OR IGNORE INTO placeAlias (alias, name) VALUES (?, ?)")
                for (name, others) in otherNames {
                    let key = PlaceNameKey.of(name)
                    for other in Set(others.map(PlaceNameKey.of)) where other != key { try alias.execute(arguments: [other, key]) }
                }
            }
        }
        return stale.count
    }

    /// By the names of their places, or by another name of one (`placeAlias`: "Cologne" for Köln).
    public func imageIDs(takenAt name: String) throws -> [ImageID] {
        try read("finding the photos taken at \(name)") { db in
            try ImageID.fetchAll(db.cachedStatement(sql: """
                SELECT imageId FROM placeName WHERE name = ?1
                UNION SELECT placeName.imageId FROM placeAlias JOIN placeName ON placeName.name = placeAlias.name WHERE placeAlias.alias = ?1
                """), arguments: [PlaceNameKey.of(name)])
        }
    }

    /// The stamp of a row's place as SQL over its columns, the namer's identity the parameter before:
    /// `IDENTITY LATITUDE,LONGITUDE`.
    static let placeStamp = "(? || ' ' || latitude || ',' || longitude)"
}
