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
        Köln\tNorth Rhine-Westphalia\tGermany\t50.93333\t6.95000\t963395\tCologne|Colonia|Koeln
        Colonia\tYap\tMicronesia\t9.51444\t138.12917\t3151\t
        Lisbon\tLisbon\tPortugal\t38.71667\t-9.13333\t517802\tLisboa|Lissabon
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
        #expect(gazetteer.places(named: "paris").map(\.country) == ["France", "United States", "Canada"])
        #expect(gazetteer.places(named: "Paris, Texas").map(\.region) == ["Texas"])
        #expect(gazetteer.places(named: "PARIS , united states").first?.title == "Paris, Texas, United States")
        #expect(gazetteer.places(named: "sao  paulo").first?.title == "São Paulo, Brazil")
        #expect(gazetteer.places(named: "Nowhere").isEmpty, "a line that cannot be read is skipped")
        #expect(gazetteer.places(named: "Atlantis").isEmpty && gazetteer.places(named: " , France").isEmpty)
        let paris = try #require(gazetteer.places(named: "Paris").first)
        #expect(paris.suggestedKilometres == 30 && paris.location.latitude == 48.85341)
    }

    @Test("another name finds a place as its name does, most populous first; a line without other names has none")
    func otherNames() throws {
        let gazetteer = try Self.small()
        #expect(gazetteer.places(named: "cologne").map(\.name) == ["Köln"])
        #expect(gazetteer.places(named: "Colonia").map(\.country) == ["Germany", "Micronesia"], "most populous first, whichever name")
        #expect(gazetteer.places(named: "Colonia", limit: 1).map(\.country) == ["Germany"])
        #expect(gazetteer.places(named: "LISSABON, portugal").first?.title == "Lisbon, Portugal")
        #expect(gazetteer.places(named: "Lisboa, Spain").isEmpty && gazetteer.places(named: "Yap").isEmpty)
        #expect(Gazetteer.otherNames("Paris\tTexas\tUnited States\t33.6\t-95.5\t24782").isEmpty)
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
        // GeoNames' other names: the English, the Portuguese, the Czech, the German.
        #expect(gazetteer.places(named: "Cologne").first?.name == "Köln")
        #expect(gazetteer.places(named: "Lisboa").first?.name == "Lisbon")
        #expect(gazetteer.places(named: "Praha").first?.name == "Prague")
        #expect(gazetteer.places(named: "München").first?.name == "Munich")
        #expect(gazetteer.places(named: "Geneva").first?.country == "Switzerland")
        #expect(gazetteer.places(named: "Geneva, United States").first?.region == "Illinois")
    }
}
