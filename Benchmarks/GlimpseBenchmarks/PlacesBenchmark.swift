import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
import GRDB

/// What naming places costs: reading the gazetteer and building `PlaceNamer`'s cells; naming one location
/// (points a few kilometres from random towns, and random points anywhere, mostly sea); and an index of
/// `count` located images named at once (`SQLiteIndexStore.namePlaces`, as after an upgrade or a new
/// gazetteer), then the check a run makes when nothing needs naming, and looking a place's name up in it.
struct PlacesBenchmark {
    struct Result: Encodable {
        var places: Int
        var loadMilliseconds: [Double]
        var namesMicrosecondsNearTowns: Double
        var namesMicrosecondsAnywhere: Double
        var named: Int
        var images: Int
        var nameAllSeconds: Double
        var checkMilliseconds: Double
        /// `imageIDs(takenAt:)`, what a query's place clause costs per name looked up (half of them named).
        var lookupMicroseconds: Double
    }

    var gazetteer: URL
    var count: Int
    var runs: Int
    var folder: URL

    func run() throws -> Result {
        var loads: [Double] = []
        var namer: PlaceNamer?
        for _ in 0..<runs {
            let start = ContinuousClock.now
            namer = PlaceNamer(gazetteer: try Gazetteer(contentsOf: gazetteer))
            loads.append(milliseconds(ContinuousClock.now - start))
        }
        guard let namer else { throw CocoaError(.featureUnsupported) }
        let towns = try String(contentsOf: gazetteer, encoding: .utf8).split(separator: "\n")
        let nearTowns: [PhotoLocation] = (0..<count).compactMap { _ in
            let town = towns[Int.random(in: 0..<towns.count)].split(separator: "\t")
            guard town.count >= 6, let latitude = Double(town[3]), let longitude = Double(town[4]) else { return nil }
            return PhotoLocation(latitude: max(-89.9, min(89.9, latitude + .random(in: -0.05...0.05))),
                                 longitude: max(-179.9, min(179.9, longitude + .random(in: -0.05...0.05))))
        }
        let anywhere = (0..<count).compactMap { _ in PhotoLocation(latitude: .random(in: -80...80), longitude: .random(in: -180...180)) }
        func perName(_ locations: [PhotoLocation]) -> (Double, Int) {
            let start = ContinuousClock.now
            let named = locations.reduce(0) { $0 + (namer.names(at: $1).isEmpty ? 0 : 1) }
            return (milliseconds(ContinuousClock.now - start) * 1000 / Double(locations.count), named)
        }
        let (nearCost, named) = perName(nearTowns)
        let (anywhereCost, _) = perName(anywhere)

        let url = folder.appending(path: "index.sqlite")
        _ = try FullIndexBuilder(count: count).build(at: url)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            let update = try db.makeStatement(sql: "UPDATE image SET latitude = ?, longitude = ? WHERE id = ?")
            for (offset, location) in nearTowns.enumerated() {
                try update.execute(arguments: [location.latitude, location.longitude, offset + 1])
            }
        }
        try queue.close()
        let store = try SQLiteIndexStore(url: url)
        let naming = ContinuousClock.now
        let images = try store.namePlaces(with: namer)
        let nameAll = milliseconds(ContinuousClock.now - naming) / 1000
        let checking = ContinuousClock.now
        _ = try store.namePlaces(with: namer)
        let check = milliseconds(ContinuousClock.now - checking)
        let names = (0..<1000).map { index in
            index % 2 == 0 ? (namer.names(at: nearTowns[index % nearTowns.count]).first ?? "Lisbon") : "Nowhere \(index)"
        }
        let looking = ContinuousClock.now
        for name in names { _ = try store.imageIDs(takenAt: name) }
        let lookup = milliseconds(ContinuousClock.now - looking) * 1000 / Double(names.count)
        return Result(places: towns.count, loadMilliseconds: loads, namesMicrosecondsNearTowns: nearCost,
                      namesMicrosecondsAnywhere: anywhereCost, named: named, images: images, nameAllSeconds: nameAll,
                      checkMilliseconds: check, lookupMicroseconds: lookup)
    }
}
