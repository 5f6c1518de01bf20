import Foundation
import GlimpseImage
import Testing
@testable import GlimpseSearch

@Suite("Gazetteer: places by name")
struct GazetteerTests {
    /// A few lines as scripts/fetch-places writes them (most populous first).
    static let lines = """
        Paris\tÎle-de-France\tFrance\t48.85341\t2.34880\t2138551
        São Paulo\tSão Paulo\tBrazil\t-23.54750\t-46.63611\t10021295
        Paris\tOntario\tCanada\t43.20000\t-80.38333\t12310
        Paris\tTexas\tUnited States\t33.66094\t-95.55551\t24782
        Broken\tline
        Nowhere\tX\tY\tnot-a-number\t1\t5

        """

    static func small() throws -> Gazetteer {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-places-\(UUID().uuidString).tsv")
        try Data(lines.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Gazetteer(contentsOf: url)
    }

    @Test("a name finds its places, most populous first; a country or region after a comma narrows; case and accents do not matter")
    func lookups() throws {
        let gazetteer = try Self.small()
        #expect(gazetteer.places(named: "paris").map(\.country) == ["France", "Canada", "United States"])
        #expect(gazetteer.places(named: "Paris, Texas").map(\.region) == ["Texas"])
        #expect(gazetteer.places(named: "PARIS , united states").first?.title == "Paris, Texas, United States")
        #expect(gazetteer.places(named: "sao  paulo").first?.title == "São Paulo, Brazil")
        #expect(gazetteer.places(named: "Nowhere").isEmpty, "a line that cannot be read is skipped")
        #expect(gazetteer.places(named: "Atlantis").isEmpty && gazetteer.places(named: " , France").isEmpty)
        let paris = try #require(gazetteer.places(named: "Paris").first)
        #expect(paris.suggestedKilometres == 30 && paris.location.latitude == 48.85341)
    }

    /// The gazetteer scripts/fetch-places writes into this checkout (CI's scripts/test runs it).
    static func installed() throws -> Gazetteer {
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        let url = folder.appending(path: ".deps/places/places.tsv")
        try #require(FileManager.default.fileExists(atPath: url.path), "run scripts/fetch-places")
        return try Gazetteer(contentsOf: url)
    }

    @Test("GeoNames' towns: Lisbon is Portugal's, Springfield the most populous one, Paris, Texas is found")
    func geonames() throws {
        let gazetteer = try Self.installed()
        let lisbon = try #require(gazetteer.places(named: "Lisbon").first)
        #expect(lisbon.country == "Portugal" && abs(lisbon.location.longitude + 9.13333) < 1e-4)
        #expect(gazetteer.places(named: "Springfield").count == 10, "many towns share the name; ten at most")
        #expect(gazetteer.places(named: "Paris, Texas").first?.region == "Texas")
        #expect(gazetteer.places(named: "munich").first?.country == "Germany")
    }
}
