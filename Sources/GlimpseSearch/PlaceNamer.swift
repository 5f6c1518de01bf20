import Foundation
import GlimpseImage
import GlimpseIndex

/// Names the place at a location with a `Gazetteer` (reverse geocoding): the town it was taken in, the
/// large city whose outskirts it lies in when that is another one, and the town's region and country —
/// `Santa Monica, Los Angeles, California, United States`.
///
/// - The town is the place within `townKilometres` that is nearest for its size: the distance divided by
///   the place's `Gazetteer.Place.suggestedKilometres` (4 km for a village, 30 km for a city of a
///   million). A gazetteer gives a city one point, its centre: by distance alone the Eiffel Tower would
///   be in Neuilly-sur-Seine, 3 km away, rather than in Paris, 4 km from the centre of a city 30 km
///   across. Farther than `townKilometres` from any town (at sea, in the mountains) nothing is named: a
///   distant town's name would mislead more than it helps.
/// - The city is the most populous place of at least `cityPopulation` people within its
///   `suggestedKilometres`: the photos that `--near CITY` finds are named after it.
///
/// Places are bucketed in cells of one degree, so a location costs a few hundred distances.
public struct PlaceNamer: PlaceNaming {
    public let identity: String
    /// How far the nearest town may be.
    public static let townKilometres = 20.0
    /// The farthest a city's outskirts reach (`Gazetteer.Place.suggestedKilometres` of the largest).
    static let outskirtsKilometres = 30.0
    /// The fewest people of a city named besides the town.
    public static let cityPopulation: Int32 = 500_000
    /// The rules' version, part of `identity`.
    static let rules = "n1"

    /// The gazetteer it names places from.
    public let gazetteer: Gazetteer
    private let latitudes: [Float], longitudes: [Float], populations: [Int32]
    /// Indices of the places in each one-degree cell, by `cell(latitude:longitude:)`.
    private let cells: [[Int32]]

    public init(gazetteer: Gazetteer) {
        self.gazetteer = gazetteer
        var latitudes = [Float](), longitudes = [Float](), populations = [Int32]()
        latitudes.reserveCapacity(gazetteer.count)
        longitudes.reserveCapacity(gazetteer.count)
        populations.reserveCapacity(gazetteer.count)
        var cells = [[Int32]](repeating: [], count: 180 * 360)
        for line in gazetteer.lines {
            let fields = line.utf8.split(separator: UInt8(ascii: "\t"), maxSplits: 6, omittingEmptySubsequences: false).map { Substring($0) }
            let latitude = fields.count >= 6 ? Double(fields[3]) : nil, longitude = fields.count >= 6 ? Double(fields[4]) : nil
            guard let latitude, let longitude, PhotoLocation(latitude: latitude, longitude: longitude) != nil else {
                // Kept in step with the lines (an index names a line), but in no cell.
                latitudes.append(.nan); longitudes.append(.nan); populations.append(0)
                continue
            }
            cells[Self.cell(latitude: latitude, longitude: longitude)].append(Int32(latitudes.count))
            latitudes.append(Float(latitude))
            longitudes.append(Float(longitude))
            populations.append(Int32(clamping: Int(fields[5]) ?? 0))
        }
        self.latitudes = latitudes
        self.longitudes = longitudes
        self.populations = populations
        self.cells = cells
        identity = "\(Self.rules) \(gazetteer.count) places"
    }

    public func names(at location: PhotoLocation) -> [String] { namedPlace(at: location).names }

    /// The names, and the other names the gazetteer gives the town and the city (`Gazetteer.otherNames`).
    public func namedPlace(at location: PhotoLocation) -> NamedPlace {
        var town: (index: Int, nearness: Double)?
        var city: (index: Int, population: Int32)?
        for index in candidates(around: location) {
            guard let place = PhotoLocation(latitude: Double(latitudes[index]), longitude: Double(longitudes[index])) else { continue }
            let kilometres = place.kilometres(to: location)
            let population = populations[index]
            let reach = Gazetteer.Place.suggestedKilometres(population: Int(population))
            if kilometres <= Self.townKilometres, kilometres / reach < town?.nearness ?? .infinity { town = (index, kilometres / reach) }
            if population >= Self.cityPopulation, population > city?.population ?? 0, kilometres <= reach {
                city = (index, population)
            }
        }
        guard let town, let nearest = Gazetteer.place(gazetteer.lines[town.index]) else { return NamedPlace(names: []) }
        let cityIndex = city.flatMap { $0.index == town.index ? nil : $0.index }
        let around = cityIndex.flatMap { Gazetteer.place(gazetteer.lines[$0]) }
        var seen = Set<String>()
        let names = [nearest.name, around?.name, nearest.region, nearest.country].compactMap { $0 }
            .filter { !$0.isEmpty && seen.insert(Gazetteer.fold($0)).inserted }
        var otherNames: [String: [String]] = [:]
        var named = [(index: town.index, place: nearest)]
        if let cityIndex, let around { named.append((cityIndex, around)) }
        for (index, place) in named {
            let others = Gazetteer.otherNames(gazetteer.lines[index]).map(String.init)
            if !others.isEmpty { otherNames[place.name] = others }
        }
        return NamedPlace(names: names, otherNames: otherNames)
    }

    /// The places in the cells that a circle of `outskirtsKilometres` around `location` touches.
    private func candidates(around location: PhotoLocation) -> [Int] {
        let bounds = NearbyArea(center: location, kilometres: Self.outskirtsKilometres).bounds
        let rows = Int(floor(bounds.latitudes.lowerBound))...min(89, Int(floor(bounds.latitudes.upperBound)))
        let columns = Int(floor(bounds.longitudes.lowerBound))...min(179, Int(floor(bounds.longitudes.upperBound)))
        var found: [Int] = []
        for row in rows {
            for column in columns {
                found.append(contentsOf: cells[Self.cell(latitude: Double(row), longitude: Double(column))].lazy.map(Int.init))
            }
        }
        return found
    }

    /// The one-degree cell of a location: rows from the south pole, columns from the date line.
    private static func cell(latitude: Double, longitude: Double) -> Int {
        let row = min(179, max(0, Int(floor(latitude)) + 90))
        let column = min(359, max(0, Int(floor(longitude)) + 180))
        return row * 360 + column
    }
}
