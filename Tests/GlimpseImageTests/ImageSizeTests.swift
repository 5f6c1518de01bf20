import Foundation
import Testing
@testable import GlimpseImage

/// `ImageDecoder.size(of:)`: the size from the header alone, as decoding would give it.
@Suite("Image size from the header")
struct ImageSizeTests {
    @Test("every fixture's header size is its decoded size, EXIF orientation included", arguments: DecodingTests.names)
    func matchesDecoding(name: String) throws {
        let data = try Data(contentsOf: Fixtures.url("images/\(name)"))
        let image = try ImageDecoder.decode(data)
        #expect(try ImageDecoder.size(of: data) == PixelSize(width: image.width, height: image.height))
        let stored = try ImageDecoder.decode(data, options: DecodingOptions(appliesOrientation: false))
        #expect(try ImageDecoder.size(of: data, appliesOrientation: false) == PixelSize(width: stored.width, height: stored.height))
    }

    @Test("a file that is not an image, or has a broken header, is the error decoding gives")
    func errors() throws {
        #expect(throws: ImageError.empty) { try ImageDecoder.size(of: Data()) }
        #expect(throws: ImageError.unsupportedFormat(detected: nil)) { try ImageDecoder.size(of: Data("hello".utf8)) }
        let truncated = try Data(contentsOf: Fixtures.url("images/photo_400x267.jpg")).prefix(20)
        #expect(throws: ImageError.self) { try ImageDecoder.size(of: truncated) }
    }

    @Test("a huge declared size is read, not refused: nothing is decoded")
    func hugeHeader() throws {
        let data = try Data(contentsOf: Fixtures.url("bad/huge_dimensions.png"))
        let size = try ImageDecoder.size(of: data)
        #expect(size.width * size.height > 100_000_000, "\(size)")
    }
}
