import Foundation
import GlimpseImage
import GlimpseIndex

/// Places by name, so that a search can be asked for the photos taken near "Lisbon": GeoNames' towns of
/// 1,000 people or more (CC BY 4.0), as `scripts/fetch-places` writes them — one per line, `name`,
/// `region`, `country`, `latitude`, `longitude`, `population`, tab-separated, most populous first.
public struct Gazetteer: Sendable {
    public struct Place: Sendable, Hashable {
        public var name: String
        public var region: String
        public var country: String
        public var location: PhotoLocation
        public var population: Int

        /// `Lisbon, Portugal`; `Springfield, Illinois, United States` when the region says more than the name.
        public var title: String {
            ([name] + (region.isEmpty || region == name ? [] : [region]) + (country.isEmpty ? [] : [country])).joined(separator: ", ")
        }

        /// How far around the place its photos are looked for when no distance is given: a city's outskirts.
        public var suggestedKilometres: Double { Self.suggestedKilometres(population: population) }

        static func suggestedKilometres(population: Int) -> Double {
            population >= 1_000_000 ? 30 : population >= 100_000 ? 15 : population >= 10_000 ? 8 : 4
        }
    }

    /// The file this gazetteer was read from.
    public let url: URL
    let lines: [Substring]

    /// Reads the file at `url` (its lines are parsed only when a name is looked up).
    public init(contentsOf url: URL) throws {
        self.url = url
        let text = try String(contentsOf: url, encoding: .utf8)
        // Split as bytes: splitting by `Character` walks grapheme clusters, six times slower here.
        lines = text.utf8.split(separator: UInt8(ascii: "\n")).map { Substring($0) }
    }

    /// How many places it holds.
    public var count: Int { lines.count }

    /// Where the gazetteer is: `$GLIMPSE_PLACES`, else `.deps/places/places.tsv` in a folder above the
    /// executable (a checkout set up by scripts/bootstrap), else `../share/glimpse/places.tsv` beside it;
    /// nil when none exists.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executableURL: URL? = Bundle.main.executableURL) -> URL? {
        if let given = environment["GLIMPSE_PLACES"], !given.isEmpty { return URL(filePath: given) }
        guard let executableURL else { return nil }
        let folder = executableURL.resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [folder.deletingLastPathComponent().appending(path: "share/glimpse/places.tsv")]
        var directory = folder
        for _ in 0..<8 {
            candidates.append(directory.appending(path: ".deps/places/places.tsv"))
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The places `query` names, most populous first: `Lisbon`; `Paris, France` or `Paris, Texas` (after a
    /// comma, words of the region or country); case and accents do not matter (`sao paulo`).
    public func places(named query: String, limit: Int = 10) -> [Place] {
        let parts = query.split(separator: ",").map { Self.fold(String($0)) }
        guard let name = parts.first, !name.isEmpty else { return [] }
        let qualifiers = parts.dropFirst().filter { !$0.isEmpty }
        var found: [Place] = []
        let initial = name.utf8.first.flatMap { $0 < 0x80 && Character(Unicode.Scalar($0)).isLetter ? $0 : nil }
        for line in lines {
            // Most names start with another letter: skipped without folding them (folding is slow).
            if let initial, let first = line.utf8.first, first < 0x80, first | 0x20 != initial { continue }
            guard let tab = line.firstIndex(of: "\t"), Self.fold(String(line[..<tab])) == name,
                  let place = Self.place(line) else { continue }
            let context = Self.fold(place.region + " " + place.country)
            guard qualifiers.allSatisfy({ context.contains($0) }) else { continue }
            found.append(place)
            if found.count == limit { break }
        }
        return found
    }

    static func place(_ line: Substring) -> Place? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 6, let latitude = Double(fields[3]), let longitude = Double(fields[4]),
              let location = PhotoLocation(latitude: latitude, longitude: longitude) else { return nil }
        return Place(name: String(fields[0]), region: String(fields[1]), country: String(fields[2]), location: location,
                     population: Int(fields[5]) ?? 0)
    }

    /// Lowercased, accents dropped, spaces collapsed.
    static func fold(_ text: String) -> String { PlaceNameKey.of(text) }
}
