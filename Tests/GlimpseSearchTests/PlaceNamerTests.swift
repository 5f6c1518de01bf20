import Foundation
import GlimpseImage
import Testing
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Place names from locations (reverse geocoding)")
struct PlaceNamerTests {
    static func at(_ latitude: Double, _ longitude: Double) -> PhotoLocation { PhotoLocation(latitude: latitude, longitude: longitude)! }

    /// A small gazetteer: a city, a town in its outskirts, a town beyond them, a village near the city's
    /// centre, towns across the date line.
    static let lines = """
        Lisbon\tLisbon\tPortugal\t38.71667\t-9.13333\t517802\tLisboa|Lissabon
        Belém\tLisbon\tPortugal\t38.69700\t-9.20600\t1500
        Amadora\tLisbon\tPortugal\t38.75382\t-9.23083\t178858
        Sintra\tLisbon\tPortugal\t38.80097\t-9.37826\t30000
        Suva\tCentral\tFiji\t-18.14161\t178.44149\t77366
        Taveuni\tNorthern\tFiji\t-16.8\t179.99\t2000
        Apia\tTuamasaga\tSamoa\t-13.83333\t-171.76666\t40407
        Broken\tline

        """

    static func small() throws -> PlaceNamer {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-places-\(UUID().uuidString).tsv")
        try Data(lines.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return PlaceNamer(gazetteer: try Gazetteer(contentsOf: url))
    }

    @Test("the nearest town, the city whose outskirts hold it, its region and country; nothing far from any town")
    func rules() throws {
        let namer = try Self.small()
        #expect(namer.names(at: Self.at(38.7139, -9.1394)) == ["Lisbon", "Portugal"], "in the city: its region repeats its name")
        #expect(namer.names(at: Self.at(38.757, -9.225)) == ["Amadora", "Lisbon", "Portugal"], "a town in Lisbon's 15 km")
        #expect(namer.names(at: Self.at(38.797, -9.39)) == ["Sintra", "Lisbon", "Portugal"],
                "beyond Lisbon's outskirts (the region says Lisbon); Amadora, 15 km away, is too small to be named as a city")
        #expect(namer.names(at: Self.at(38.70, -9.20)) == ["Belém", "Lisbon", "Portugal"], "a village 0.6 km away before a city 6 km away")
        #expect(namer.names(at: Self.at(38.705, -9.17)) == ["Lisbon", "Portugal"], "3.4 km from the city's centre, 3.2 km from the village's")
        #expect(namer.names(at: Self.at(38.6, -10.0)) == [], "at sea, 75 km from the nearest town")
        #expect(namer.names(at: Self.at(-16.8, -179.99)) == ["Taveuni", "Northern", "Fiji"], "2 km away across the date line")
        #expect(namer.names(at: Self.at(89.9, 10)) == [] && namer.names(at: Self.at(-90, 0)) == [], "the poles")
        #expect(namer.identity == "\(PlaceNamer.rules) 8 places")
    }

    @Test("GeoNames' towns: Santa Monica lies in Los Angeles' outskirts, the Eiffel Tower in Paris, mid-ocean nowhere")
    func geonames() throws {
        let namer = PlaceNamer(gazetteer: try GazetteerTests.installed())
        #expect(namer.names(at: Self.at(34.0195, -118.4912)) == ["Santa Monica", "Los Angeles", "California", "United States"])
        #expect(namer.names(at: Self.at(48.8584, 2.2945)) == ["Paris", "Île-de-France", "France"], "not Neuilly-sur-Seine, nearer by 1 km")
        #expect(namer.names(at: Self.at(30, -40)).isEmpty)
        let cologne = namer.namedPlace(at: Self.at(50.9413, 6.9583))
        #expect(cologne.names.prefix(2) == ["Altstadt Nord", "Köln"] && cologne.otherNames["Köln"]?.contains("Cologne") == true, "\(cologne)")
    }

    @Test("the other names of the town and of the city it lies near, by name; none for the region or country")
    func otherNames() throws {
        let namer = try Self.small()
        #expect(namer.namedPlace(at: Self.at(38.757, -9.225)) == NamedPlace(names: ["Amadora", "Lisbon", "Portugal"],
                                                                             otherNames: ["Lisbon": ["Lisboa", "Lissabon"]]))
        #expect(namer.namedPlace(at: Self.at(38.797, -9.39)).otherNames.isEmpty, "Sintra has none, and Lisbon is only its region")
        #expect(namer.namedPlace(at: Self.at(38.6, -10.0)) == NamedPlace(names: []))
    }

    @Test("a damaged gazetteer: unreadable lines are skipped, a file that is not text is an error when first needed, never a crash")
    func damaged() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-gazetteer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbled = folder.appending(path: "garbled.tsv")
        try Data("""
            Lisbon\tLisbon\tPortugal\t38.71667\t-9.13333\t517802
            Nan\tX\tY\tnan\t-9.1\t5
            Far\tX\tY\t1e308\t-9.1\t5
            Short\tX
            Huge\tX\tY\t38.7\t-9.1\t99999999999999999999999
            \t\t\t\t\t
            """.utf8).write(to: garbled)
        let namer = PlaceNamer(gazetteer: try Gazetteer(contentsOf: garbled))
        #expect(namer.names(at: Self.at(38.7, -9.1)) == ["Huge", "Lisbon", "X", "Y"],
                "a population that cannot be read counts as none: a village, in Lisbon's outskirts")
        #expect(namer.names(at: Self.at(0, 0)).isEmpty)

        let binary = folder.appending(path: "binary.tsv")
        try Data([0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x0A]).write(to: binary)
        let file = try #require(GazetteerFile(url: binary))
        #expect(throws: (any Error).self) { try file.names(at: Self.at(38.7, -9.1)) }
        #expect(throws: (any Error).self) { try file.places(named: "Lisbon") }
        #expect(GazetteerFile(url: folder.appending(path: "missing.tsv")) == nil)
    }
}
