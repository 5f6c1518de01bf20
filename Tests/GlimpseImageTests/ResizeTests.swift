import Foundation
import Testing
@testable import GlimpseImage

@Suite("Resizing equals Pillow")
struct ResizeTests {
    static let cases: [String] = Fixtures.manifest.keys.filter { $0.hasPrefix("resized/") }.sorted()

    static func source() throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: Fixtures.url("resized/resize_source_41x29.png"))
    }

    @Test("bit-exact with Image.resize for every filter and both pass orders", arguments: cases)
    func matchesPillow(path: String) throws {
        let name = String(path.dropFirst("resized/".count).dropLast(4))
        let parts = name.split(separator: "_")
        let dimensions = parts[1].split(separator: "x").compactMap { Int($0) }
        let filter: ResamplingFilter = switch parts[0] {
        case "bicubic": .bicubic
        case "bilinear": .bilinear
        case "lanczos": .lanczos
        case "box": .box
        default: .hamming
        }
        let expected = try Fixtures.reference(path)
        let actual = try Self.source().resized(to: PixelSize(width: dimensions[0], height: dimensions[1]), filter: filter)
        #expect(actual.width == expected.width && actual.height == expected.height)
        #expect(actual.pixels == expected.pixels, "\(name): max difference \(byteDifferences(actual.pixels, expected.pixels).max)")
    }

    @Test("Pillow 13's pass order: vertical first only when the height shrinks much more")
    func passOrder() {
        #expect(Resampler.verticalFirst(from: 300, 451, to: PixelSize(width: 384, height: 384)))
        #expect(!Resampler.verticalFirst(from: 451, 300, to: PixelSize(width: 384, height: 384)))
        #expect(!Resampler.verticalFirst(from: 100, 100, to: PixelSize(width: 60, height: 20)))
        #expect(Resampler.verticalFirst(from: 100, 100, to: PixelSize(width: 61, height: 20)))
        #expect(!Resampler.verticalFirst(from: 100, 100, to: PixelSize(width: 300, height: 101)))
    }

    @Test("resizing a window equals resizing everything and cropping", arguments: [
        (PixelSize(width: 90, height: 70), PixelRect(x: 10, y: 5, width: 30, height: 40)),
        (PixelSize(width: 20, height: 150), PixelRect(x: 0, y: 60, width: 20, height: 20)),
        (PixelSize(width: 41, height: 60), PixelRect(x: 3, y: 0, width: 5, height: 60)),
        (PixelSize(width: 50, height: 10), PixelRect(x: 49, y: 9, width: 1, height: 1)),
    ])
    func window(size: PixelSize, window: PixelRect) throws {
        var source = try Self.source()
        source.alpha = (0..<source.pixelCount).map { UInt8(truncatingIfNeeded: $0 * 7) }
        for filter in ResamplingFilter.allCases {
            let whole = try source.resized(to: size, filter: filter).cropped(to: window)
            let part = try source.resized(to: size, filter: filter, window: window)
            #expect(part == whole, "\(filter)")
        }
    }

    @Test("same size is the identity; invalid sizes throw")
    func identityAndErrors() throws {
        let source = try Self.source()
        #expect(try source.resized(to: PixelSize(width: 41, height: 29), filter: .bicubic) == source)
        #expect(throws: ImageError.self) { try source.resized(to: PixelSize(width: 0, height: 5), filter: .bilinear) }
        #expect(throws: ImageError.self) {
            try source.resized(to: PixelSize(width: 10, height: 10), filter: .bilinear,
                               window: PixelRect(x: 5, y: 5, width: 6, height: 1))
        }
    }

    @Test("Pillow filter constants")
    func filterCodes() {
        #expect(ResamplingFilter(rawValue: 3) == .bicubic)
        #expect(ResamplingFilter(rawValue: 2) == .bilinear)
        #expect(ResamplingFilter(rawValue: 0) == nil)  // NEAREST is not supported
    }
}
