import Foundation
import Testing
@testable import GlimpseImage

@Suite("Where a photo was taken (EXIF GPS)")
struct PhotoLocationTests {
    /// The location of a fixture written by ExifTool (`Tools/fixtures/make_location_fixtures.sh`).
    static func location(_ name: String) throws -> PhotoLocation? {
        let data = try Fixtures.data("places/\(name)")
        let format = try #require(ImageFormat.detect(data.prefix(16)))
        return data.withUnsafeBytes { PhotoLocation.read(from: $0, format: format) }
    }

    @Test("north and east in JPEG, PNG, WebP and TIFF files", arguments: ["paris.jpg", "paris.png", "paris.webp", "paris.tif"])
    func paris(_ name: String) throws {
        let found = try #require(try Self.location(name), "\(name)")
        #expect(abs(found.latitude - 48.858370) < 1e-6 && abs(found.longitude - 2.294481) < 1e-6, "\(found)")
    }

    @Test("south and west in a HEIF file")
    func rio() throws {
        let found = try #require(try Self.location("rio.heic"))
        #expect(abs(found.latitude + 22.951916) < 1e-6 && abs(found.longitude + 43.210487) < 1e-6, "\(found)")
    }

    @Test("no GPS, or 0° 0′ 0″ on both as cameras without a fix write it, is no location")
    func none() throws {
        #expect(try Self.location("nofix.jpg") == nil)
        let plain = try Fixtures.data("images/photo_400x267.jpg")
        #expect(plain.withUnsafeBytes { PhotoLocation.read(from: $0, format: .jpeg) } == nil)
    }

    @Test("distances on the globe: Paris to Rio, across the date line, and coordinates off the globe refused")
    func distances() throws {
        let eiffel = try #require(PhotoLocation(latitude: 48.858370, longitude: 2.294481))
        let christ = try #require(PhotoLocation(latitude: -22.951916, longitude: -43.210487))
        #expect(abs(eiffel.kilometres(to: christ) - 9_170) < 30, "\(eiffel.kilometres(to: christ))")
        let east = try #require(PhotoLocation(latitude: 0, longitude: 179.9)), west = try #require(PhotoLocation(latitude: 0, longitude: -179.9))
        #expect(abs(east.kilometres(to: west) - 22.2) < 0.2)
        #expect(PhotoLocation(latitude: 91, longitude: 0) == nil && PhotoLocation(latitude: 0, longitude: .nan) == nil)
        #expect(eiffel.description == "48.85837,2.29448")
    }

    @Test("mutated GPS blocks give a location on the globe or none, never a crash")
    func mutations() throws {
        let files = try ["paris.jpg", "paris.tif", "rio.heic"].map { try Fixtures.data("places/\($0)") }
        for bytes in FuzzTests.mutations(of: files, count: 600, seed: 48_858) {
            guard let format = ImageFormat.detect(bytes.prefix(16)),
                  let found = bytes.withUnsafeBytes({ PhotoLocation.read(from: $0, format: format) }) else { continue }
            #expect(abs(found.latitude) <= 90 && abs(found.longitude) <= 180)
        }
    }
}
