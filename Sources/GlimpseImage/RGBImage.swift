/// An 8-bit RGB image in memory, rows top to bottom, pixels interleaved `R G B`, with an optional
/// separate alpha plane (straight, not premultiplied).
///
/// Transparency rule: model preprocessing uses the colour channels as stored and ignores alpha, which is
/// what transformers' processors do (`PIL.Image.convert("RGB")` drops alpha without compositing).
/// `flattened(over:)` composites onto a background for display (thumbnails).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height × width × 3` bytes.
    public var pixels: [UInt8]
    /// `height × width` bytes, or nil for opaque images.
    public var alpha: [UInt8]?

    /// Creates an image after checking the buffer sizes.
    /// - Throws: `ImageError.invalidArgument` for non-positive sizes or mismatched buffers.
    public init(width: Int, height: Int, pixels: [UInt8], alpha: [UInt8]? = nil) throws {
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).overflow == false else {
            throw ImageError.invalidArgument("image size \(width)×\(height)")
        }
        guard pixels.count == width * height * 3 else {
            throw ImageError.invalidArgument("\(pixels.count) bytes for a \(width)×\(height) RGB image")
        }
        if let alpha, alpha.count != width * height {
            throw ImageError.invalidArgument("\(alpha.count) alpha bytes for a \(width)×\(height) image")
        }
        self.init(unchecked: width, height, pixels, alpha)
    }

    /// A solid image of one colour.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) throws {
        guard width > 0, height > 0 else { throw ImageError.invalidArgument("image size \(width)×\(height)") }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in stride(from: 0, to: pixels.count, by: 3) {
            pixels[index] = red
            pixels[index + 1] = green
            pixels[index + 2] = blue
        }
        self.init(unchecked: width, height, pixels, nil)
    }

    init(unchecked width: Int, _ height: Int, _ pixels: [UInt8], _ alpha: [UInt8]?) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.alpha = alpha
    }

    public var hasAlpha: Bool { alpha != nil }
    public var pixelCount: Int { width * height }

    /// The colour at column `x`, row `y`.
    public func rgb(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let index = (y * width + x) * 3
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// The image composited over an opaque background colour (default white), without alpha:
    /// `out = (c·a + bg·(255−a) + 127) / 255`. Opaque images are returned unchanged.
    public func flattened(over background: (red: UInt8, green: UInt8, blue: UInt8) = (255, 255, 255)) -> RGBImage {
        guard let alpha else { return self }
        var out = pixels
        let bg = [Int(background.red), Int(background.green), Int(background.blue)]
        for pixel in 0..<pixelCount {
            let a = Int(alpha[pixel])
            if a == 255 { continue }
            for channel in 0..<3 {
                let c = Int(out[pixel * 3 + channel])
                out[pixel * 3 + channel] = UInt8((c * a + bg[channel] * (255 - a) + 127) / 255)
            }
        }
        return RGBImage(unchecked: width, height, out, nil)
    }
}
