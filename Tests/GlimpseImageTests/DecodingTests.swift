import Foundation
import Testing
@testable import GlimpseImage

@Suite("Decoding matches Pillow")
struct DecodingTests {
    static let names = Fixtures.imageNames().filter { !$0.hasPrefix("tall_") }

    @Test("every fixture decodes like Pillow (after exif_transpose)", arguments: names)
    func decodesLikePillow(name: String) throws {
        let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/\(name)"))
        let reference = try Fixtures.reference("decoded/\(name).png")
        #expect(image.width == reference.width && image.height == reference.height)
        guard image.width == reference.width, image.height == reference.height else { return }
        let colour = byteDifferences(image.pixels, reference.pixels)
        if name.hasSuffix(".jpg") || name.hasPrefix("jpeg_") {
            // Different libjpeg-turbo builds may round the IDCT differently; measured: identical (max 0).
            #expect(colour.max <= 1, "\(name): max difference \(colour.max)")
            #expect(colour.mean <= 0.01, "\(name): mean difference \(colour.mean)")
        } else if name.hasSuffix(".avif") {
            // Pillow decodes AVIF with libavif, Glimpse with libheif: same AV1 data, but libheif upsamples
            // 4:2:0 chroma differently. Measured: max 76 at sharp colour edges, mean 2.0.
            #expect(colour.mean <= 2.5, "\(name): mean difference \(colour.mean)")
        } else if name.hasSuffix(".heic") {
            // Debian's libheif 1.15 against pillow-heif's 1.23: same HEVC decoder (libde265), and the
            // YCbCr→RGB conversion rounds differently. Measured: max 1.
            #expect(colour.max <= 2, "\(name): max difference \(colour.max)")
            #expect(colour.mean <= 0.05, "\(name): mean difference \(colour.mean)")
        } else if name.hasPrefix("gray16") {
            // Pillow clips 16-bit gray to 255; Glimpse keeps the high byte (documented).
            #expect(image.pixels.prefix(3) == reference.pixels.prefix(3))
        } else {
            #expect(colour.max == 0, "\(name): max difference \(colour.max)")
        }
        #expect((image.alpha == nil) == (reference.alpha == nil), "\(name): alpha presence")
        if let alpha = image.alpha, let expected = reference.alpha { #expect(alpha == expected) }
    }

    @Test("decoding is thread-safe: concurrent decodes equal serial ones")
    func concurrent() async throws {
        let names = Self.names
        let serial = try names.map { try ImageDecoder.decode(contentsOf: Fixtures.url("images/\($0)")) }
        let parallel = try await withThrowingTaskGroup(of: (Int, RGBImage).self) { group in
            for _ in 0..<3 {
                for (index, name) in names.enumerated() {
                    group.addTask { (index, try ImageDecoder.decode(contentsOf: Fixtures.url("images/\(name)"))) }
                }
            }
            var results: [(Int, RGBImage)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(parallel.count == names.count * 3)
        for (index, image) in parallel { #expect(image == serial[index], "\(names[index])") }
    }

    @Test("16-bit grayscale keeps the high byte of each sample")
    func gray16HighByte() throws {
        let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/gray16_64x48.png"))
        // The fixture's samples are index × 21 (16-bit); pixel 1000 is 21000 → high byte 82.
        #expect(image.rgb(x: 1000 % 64, y: 1000 / 64) == (82, 82, 82))
    }

    @Test("EXIF orientations 1–8 are read and applied (pixels checked against Pillow above)")
    func orientations() throws {
        let stored = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient1_24x16.jpg"))
        for orientation in 1...8 {
            // Every file stores the same 24×16 pixels with a different tag.
            let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient\(orientation)_24x16.jpg"))
            let expected = orientation >= 5 ? (16, 24) : (24, 16)
            #expect(image.width == expected.0 && image.height == expected.1, "orientation \(orientation)")
            let data = try Fixtures.data("images/orient\(orientation)_24x16.jpg")
            let read = data.withUnsafeBytes { ExifOrientation.read(from: $0, format: .jpeg) }
            #expect(read?.rawValue == orientation)
            let tag = try #require(ExifOrientation(rawValue: orientation))
            #expect(image == stored.applying(tag))
        }
        let raw = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient6_24x16.jpg"),
                                          options: DecodingOptions(appliesOrientation: false))
        #expect(raw == stored)
        let png = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient8_24x16.png"))
        let storedPNG = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient8_24x16.png"),
                                                options: DecodingOptions(appliesOrientation: false))
        #expect(png == storedPNG.applying(.left))
        let webp = try ImageDecoder.decode(contentsOf: Fixtures.url("images/orient3_24x16.webp"))
        #expect(webp.width == 24 && webp.height == 16)
        let webpData = try Fixtures.data("images/orient3_24x16.webp")
        #expect(webpData.withUnsafeBytes { ExifOrientation.read(from: $0, format: .webp) } == .down)
    }

    @Test("applying an orientation and its inverse restores the image")
    func orientationRoundTrip() throws {
        let image = try RGBImage(width: 3, height: 2, pixels: Array(0..<18).map(UInt8.init), alpha: [1, 2, 3, 4, 5, 6])
        let pairs: [(ExifOrientation, ExifOrientation)] = [
            (.up, .up), (.upMirrored, .upMirrored), (.down, .down), (.downMirrored, .downMirrored),
            (.leftMirrored, .leftMirrored), (.right, .left), (.left, .right), (.rightMirrored, .rightMirrored),
        ]
        for (forward, inverse) in pairs {
            #expect(image.applying(forward).applying(inverse) == image, "\(forward)")
        }
        // Orientation 6: the top-left pixel goes to the top-right.
        let rotated = image.applying(.right)
        #expect(rotated.width == 2 && rotated.height == 3)
        #expect(rotated.rgb(x: 1, y: 0) == (0, 1, 2))
        #expect(rotated.alpha?[1] == 1)
    }

    @Test("formats are recognised from their leading bytes")
    func formatDetection() throws {
        #expect(ImageFormat.detect(try Fixtures.data("images/photo_400x267.jpg")) == .jpeg)
        #expect(ImageFormat.detect(try Fixtures.data("images/one_1x1.png")) == .png)
        #expect(ImageFormat.detect(try Fixtures.data("images/one_1x1.webp")) == .webp)
        #expect(ImageFormat.detect(Array("GIF89a....".utf8)) == .gif)
        #expect(ImageFormat.detect(try Fixtures.data("images/small_12x10.gif")) == .gif)
        #expect(ImageFormat.detect(Array("\0\0\0\u{18}ftypheic".utf8)) == .heif)
        #expect(ImageFormat.detect(try Fixtures.data("images/photo_160x120.heic")) == .heif)
        #expect(ImageFormat.detect(try Fixtures.data("images/rgb_lzw_90x60.tif")) == .tiff)
        #expect(ImageFormat.detect(try Fixtures.data("images/photo_96x64.avif")) == .avif)
        #expect(ImageFormat.detect(Array("hello".utf8)) == nil)
    }

    @Test("image file names are told from others by their extension, in any case")
    func imageFileNames() {
        for path in ["/p/a.jpg", "/p/a.JPEG", "b.Png", "/p/x.y/c.heic", "d.tiff", "e.avif", "f.webp", "g.gif", "h.bmp", "i.jfif"] {
            #expect(ImageFormat.isImageFileName(path), "\(path)")
        }
        for path in ["/p/notes.txt", "/p/a.jpg.xmp", "/p/.jpg", "/p/jpg", "/p.jpg/readme", "/p/a.", "", "/p/a.jp"] {
            #expect(!ImageFormat.isImageFileName(path), "\(path)")
        }
    }

    @Test("GIF interlacing visits every row once")
    func gifRowOrder() {
        for height in [1, 2, 5, 8, 9, 90] {
            let order = GIFDecoder.rowOrder(height: height, interlaced: true)
            #expect(order.sorted() == Array(0..<height))
        }
        #expect(GIFDecoder.rowOrder(height: 10, interlaced: true).prefix(4) == [0, 8, 4, 2])
    }

    @Test("the JPEG DCT fast path scales down and stays close to the exact decode")
    func jpegFastPath() throws {
        let options = DecodingOptions(jpegMinimumSize: PixelSize(width: 100, height: 60))
        let fast = try ImageDecoder.decode(contentsOf: Fixtures.url("images/photo_400x267.jpg"), options: options)
        // 400×267 / 4 = 100×67 (sides rounded up); / 8 would fall below 100×60.
        #expect(fast.width == 100 && fast.height == 67)
        #expect(JPEGDecoder.scaleDenominator(width: 4000, height: 3000, minimum: PixelSize(width: 224, height: 224)) == 8)
        #expect(JPEGDecoder.scaleDenominator(width: 4000, height: 3000, minimum: nil) == 1)
    }
}
