import Foundation
import GlimpseImage
import GRDB

// The names of the places located photos were taken at (`PlaceNaming`): stored on the image row, searched
// through the full-text table's `tags` column.
extension SQLiteIndexStore {
    public func namePlaces(with naming: any PlaceNaming) throws -> Int {
        let stale = try read("finding places to name") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, latitude, longitude, placeStamp FROM image WHERE latitude IS NOT NULL OR placeStamp IS NOT NULL
                """).compactMap { row -> (id: ImageID, location: PhotoLocation?)? in
                let location = PhotoLocation(latitude: row["latitude"] ?? .nan, longitude: row["longitude"] ?? .nan)
                let wanted = location.map { Self.placeStamp(naming, $0) }
                return row["placeStamp"] as String? == wanted ? nil : (row["id"], location)
            }
        }
        for start in stride(from: 0, to: stale.count, by: 1000) {
            let batch = try stale[start..<min(stale.count, start + 1000)].map { entry in
                (entry.id, try entry.location.map { try naming.names(at: $0).joined(separator: ", ") },
                 entry.location.map { Self.placeStamp(naming, $0) })
            }
            try write("recording places") { db in
                let update = try db.cachedStatement(sql: "UPDATE image SET place = ?, placeStamp = ? WHERE id = ?")
                for (id, place, stamp) in batch {
                    try update.execute(arguments: [place?.isEmpty == false ? place : nil, stamp, id])
                    try Self.recordTags(db, id, tags: nil, stamp: nil)
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

    /// Which namer named the place at `location`.
    static func placeStamp(_ naming: any PlaceNaming, _ location: PhotoLocation) -> String {
        "\(naming.identity) \(location.latitude),\(location.longitude)"
    }
}
