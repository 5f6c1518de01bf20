import Foundation
import GlimpseImage
import GlimpseIndex

/// Places by name, so that a search can be asked for the photos taken near "Lisbon": GeoNames' towns of
/// 1,000 people or more (CC BY 4.0), as `scripts/fetch-places` writes them — one per line, `name`,
/// `region`, `country`, `latitude`, `longitude`, `population` and, optionally, the town's other names
/// separated by `|` (`Cologne|Colonia|Koeln` for Köln), tab-separated, most populous first.
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
    /// comma, words of the region or country); case and accents do not matter (`sao paulo`). A place's other
    /// names count as its name (`Cologne` is Köln before the Cologne of Lombardy; `Geneva` is Genève before
    /// Geneva, Illinois); of equal population, a place of that very name first.
    public func places(named query: String, limit: Int = 10) -> [Place] {
        let parts = query.split(separator: ",").map { Self.fold(String($0)) }
        guard let name = parts.first, !name.isEmpty, limit > 0 else { return [] }
        let qualifiers = parts.dropFirst().filter { !$0.isEmpty }
        let initial = name.utf8.first.flatMap { $0 < 0x80 && Character(Unicode.Scalar($0)).isLetter ? $0 : nil }
        let key = Array(name.utf8)
        // Most names start with another letter: skipped without folding them; a name in ASCII folds to its
        // lower case, compared byte by byte. Only the others go through Foundation's folding (slow).
        func called(_ candidate: Substring) -> Bool {
            let bytes = candidate.utf8
            if let initial, let first = bytes.first, first < 0x80, first | 0x20 != initial { return false }
            guard bytes.contains(where: { $0 >= 0x80 }) else {
                return bytes.count == key.count && zip(bytes, key).allSatisfy { (0x41...0x5A).contains($0) ? $0 | 0x20 == $1 : $0 == $1 }
            }
            return Self.fold(String(candidate)) == name
        }
        var found: [(own: Bool, line: Int, place: Place)] = []
        for (index, line) in lines.enumerated() {
            let own = line.utf8.firstIndex(of: UInt8(ascii: "\t")).map { called(line[..<$0]) } ?? false
            guard own || Self.hasOtherName(line, where: called), let place = Self.place(line) else { continue }
            let context = Self.fold(place.region + " " + place.country)
            guard qualifiers.allSatisfy({ context.contains($0) }) else { continue }
            found.append((own, index, place))
        }
        return found.sorted { ($0.place.population, $0.own ? 1 : 0, $1.line) > ($1.place.population, $1.own ? 1 : 0, $0.line) }
            .prefix(limit).map(\.place)
    }

    /// Whether one of the other names of a line's place (`otherNames`) passes `test`; nothing is allocated.
    static func hasOtherName(_ line: Substring, where test: (Substring) -> Bool) -> Bool {
        let bytes = line.utf8
        var tabs = 0, start = bytes.startIndex
        while start < bytes.endIndex, tabs < 6 {
            if bytes[start] == UInt8(ascii: "\t") { tabs += 1 }
            start = bytes.index(after: start)
        }
        guard tabs == 6 else { return false }
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "|")) ?? bytes.endIndex
            if end > start, test(line[start..<end]) { return true }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return false
    }

    /// The other names of a line's place: its seventh field, split at `|`.
    static func otherNames(_ line: Substring) -> [Substring] {
        var tabs = 0
        for index in line.utf8.indices where line.utf8[index] == UInt8(ascii: "\t") {
            tabs += 1
            if tabs == 6 { return line[line.utf8.index(after: index)...].split(separator: "|") }
        }
        return []
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
