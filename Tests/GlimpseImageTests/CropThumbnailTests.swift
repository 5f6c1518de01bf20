import Foundation
import Testing
@testable import GlimpseImage

@Suite("Crops and thumbnails")
struct CropThumbnailTests {
    static func photo() throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: Fixtures.url("images/photo_400x267.jpg"))
    }

    @Test("a crop copies exactly the pixels of the box")
    func crop() throws {
        let image = try Self.photo()
        let crop = try image.cropped(to: PixelRect(x: 10, y: 20, width: 30, height: 5))
        #expect(crop.width == 30 && crop.height == 5)
        for (x, y) in [(0, 0), (29, 4), (13, 2)] {
            #expect(crop.rgb(x: x, y: y) == image.rgb(x: 10 + x, y: 20 + y))
        }
    }

    @Test("a margin adds context and is clamped to the image")
    func margin() throws {
        let image = try Self.photo()
        let box = PixelRect(x: 100, y: 100, width: 50, height: 20)
        let grown = try image.cropped(to: box, margin: 0.1)
        #expect(grown.width == 60 && grown.height == 24)
        #expect(grown.rgb(x: 5, y: 2) == image.rgb(x: 100, y: 100))
        let corner = try image.cropped(to: PixelRect(x: 0, y: 250, width: 40, height: 17), margin: 0.5)
        #expect(corner.width == 60 && corner.height == 17 + 9)
        #expect(throws: ImageError.self) { try image.cropped(to: PixelRect(x: 500, y: 0, width: 10, height: 10)) }
        #expect(PixelRect(covering: 10.2, 5.9, 3.5, 20.0) == PixelRect(x: 3, y: 5, width: 8, height: 15))
    }

    @Test("thumbnails keep the aspect ratio, never enlarge, and encode as JPEG")
    func thumbnail() throws {
        let image = try Self.photo()
        let small = try image.thumbnail(longestSide: 100)
        #expect(small.width == 100 && small.height == 67)
        #expect(try image.thumbnail(longestSide: 1000) == image)
        let jpeg = try image.thumbnailJPEG()
        #expect(ImageFormat.detect(jpeg) == .jpeg)
        let decoded = try ImageDecoder.decode(jpeg)
        #expect(decoded.width == 320 && decoded.height == 214)
        let reference = try image.thumbnail()
        let difference = byteDifferences(decoded.pixels, reference.pixels)
        #expect(difference.mean < 3, "mean JPEG error \(difference.mean)")
    }

    @Test("transparent images are flattened over white for display")
    func flatten() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 200, 100, 50], alpha: [0, 255])
        let flat = image.flattened()
        #expect(flat.alpha == nil)
        #expect(flat.rgb(x: 0, y: 0) == (255, 255, 255))
        #expect(flat.rgb(x: 1, y: 0) == (200, 100, 50))
        let jpeg = try JPEGEncoder.encode(image, quality: 95)
        #expect(try ImageDecoder.decode(jpeg).width == 2)
        #expect(throws: ImageError.self) { try JPEGEncoder.encode(image, quality: 0) }
    }
}
