import CPNG

/// PNG decoding through libpng: palette (with tRNS), grayscale (1–16 bit), RGB, alpha, 16-bit and
/// Adam7-interlaced images.
///
/// Matches Pillow exactly for 8-bit images and for 16-bit colour (Pillow keeps the high byte of each
/// sample, as `png_set_strip_16` does). 16-bit *grayscale* differs on purpose: Pillow clips those
/// values to 255 when converting to RGB (nearly white pictures); Glimpse keeps the high byte.
/// No gamma correction is applied, as in Pillow.
enum PNGDecoder {
    /// The largest ancillary chunk held in memory (ICC profiles, text).
    static let maxChunkBytes = 16 << 20

    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let decoder = glimpse_png_decoder_create(base, bytes.count, 0x7FFF_FFFF, maxChunkBytes) else {
            throw ImageError.decoderUnavailable(format: .png)
        }
        defer { glimpse_png_decoder_destroy(decoder) }
        guard glimpse_png_read_header(decoder) == 0 else { throw failure(decoder) }
        let width = Int(decoder.pointee.width)
        let height = Int(decoder.pointee.height)
        try options.limits.check(width: width, height: height)
        guard glimpse_png_configure(decoder) == 0 else { throw failure(decoder) }
        let channels = Int(decoder.pointee.channels)
        guard channels == 3 || channels == 4 else {
            throw ImageError.corrupt(format: .png, reason: "unexpected channel count \(channels)")
        }
        var buffer = [UInt8](repeating: 0, count: width * height * channels)
        let status = buffer.withUnsafeMutableBufferPointer {
            glimpse_png_read_image(decoder, $0.baseAddress, width * channels)
        }
        guard status == 0 else { throw failure(decoder) }
        if channels == 3 { return RGBImage(unchecked: width, height, buffer, nil) }
        return splitAlpha(buffer, width: width, height: height)
    }

    /// Separates interleaved RGBA into RGB and an alpha plane.
    static func splitAlpha(_ rgba: [UInt8], width: Int, height: Int) -> RGBImage {
        let count = width * height
        var rgb = [UInt8](repeating: 0, count: count * 3)
        var alpha = [UInt8](repeating: 0, count: count)
        rgba.withUnsafeBufferPointer { input in
            rgb.withUnsafeMutableBufferPointer { out in
                alpha.withUnsafeMutableBufferPointer { a in
                    for pixel in 0..<count {
                        out[pixel * 3] = input[pixel * 4]
                        out[pixel * 3 + 1] = input[pixel * 4 + 1]
                        out[pixel * 3 + 2] = input[pixel * 4 + 2]
                        a[pixel] = input[pixel * 4 + 3]
                    }
                }
            }
        }
        return RGBImage(unchecked: width, height, rgb, alpha)
    }

    private static func failure(_ decoder: UnsafeMutablePointer<glimpse_png_decoder>) -> ImageError {
        let message = withUnsafeBytes(of: decoder.pointee.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if message.contains("truncated") || message.contains("Not enough image data") {
            return .truncated(format: .png)
        }
        if message.contains("exceeds user limit") || message.contains("Image width") || message.contains("Image height") {
            return .tooManyPixels(width: Int(decoder.pointee.width), height: Int(decoder.pointee.height), limit: 0)
        }
        return .corrupt(format: .png, reason: message.isEmpty ? "unknown libpng error" : message)
    }
}
