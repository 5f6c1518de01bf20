import Foundation
import Testing
@testable import GlimpseImage

@Suite("PNG encoding")
struct PNGEncoderTests {
    @Test("a written PNG decodes (with libpng) to the same pixels, also past one deflate block")
    func roundTrip() throws {
        for (width, height) in [(1, 1), (7, 5), (300, 120)] {
            let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 7) }
            let image = try RGBImage(width: width, height: height, pixels: pixels)
            let decoded = try ImageDecoder.decode(PNGEncoder.encode(image))
            #expect(decoded.width == width && decoded.height == height)
            #expect(decoded.pixels == pixels)
        }
    }
}
