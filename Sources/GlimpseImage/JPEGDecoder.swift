import CJPEG

/// JPEG decoding through libjpeg-turbo: baseline, progressive, grayscale, CMYK and YCCK.
///
/// Output matches Pillow's: the accurate integer IDCT with fancy upsampling; grayscale replicated to
/// RGB; CMYK (and YCCK, converted to CMYK by libjpeg) read with Adobe's inverted convention and turned
/// into RGB with Pillow's rule `c' = (255 − k) − c·(255 − k)/255` (rounded as Pillow does).
/// A file that ends early is an error (`ImageError.truncated`), not a grey-filled picture.
enum JPEGDecoder {
    /// Progressive scans allowed before the file is rejected (a known decoding-time bomb).
    static let maxScans: Int32 = 1000

    /// The size in the JPEG's header, unoriented; nil when the header cannot be read.
    static func headerSize(_ bytes: UnsafeRawBufferPointer) -> PixelSize? {
        let headerOnly = DecodingOptions(limits: ImageLimits(maxPixels: 0, maxFileBytes: .max), appliesOrientation: false)
        do {
            _ = try decode(bytes, options: headerOnly)
        } catch let ImageError.tooManyPixels(width, height, _) where width > 0 && height > 0 {
            return PixelSize(width: width, height: height)
        } catch {}
        return nil
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let memoryLimit = min(options.limits.maxPixels, Int(Int32.max) / 8) * 8 + (64 << 20)
        guard let decoder = glimpse_jpeg_decoder_create(maxScans, memoryLimit) else {
            throw ImageError.decoderUnavailable(format: .jpeg)
        }
        defer { glimpse_jpeg_decoder_destroy(decoder) }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard glimpse_jpeg_read_header(decoder, base, UInt(bytes.count)) == 0 else { throw failure(decoder) }

        let width = Int(decoder.pointee.info.image_width)
        let height = Int(decoder.pointee.info.image_height)
        try options.limits.check(width: width, height: height)

        let source = decoder.pointee.info.jpeg_color_space
        let target: J_COLOR_SPACE
        switch source {
        case JCS_GRAYSCALE: target = JCS_GRAYSCALE
        case JCS_CMYK, JCS_YCCK: target = JCS_CMYK
        default: target = JCS_RGB
        }
        let denominator = scaleDenominator(width: width, height: height, minimum: options.jpegMinimumSize)
        guard glimpse_jpeg_start(decoder, target, denominator) == 0 else { throw failure(decoder) }

        let outWidth = Int(decoder.pointee.info.output_width)
        let outHeight = Int(decoder.pointee.info.output_height)
        let components = Int(decoder.pointee.info.output_components)
        guard outWidth > 0, outHeight > 0, [1, 3, 4].contains(components) else {
            throw ImageError.corrupt(format: .jpeg, reason: "unexpected output layout")
        }
        var status: Int32 = 0
        // Every byte is written by libjpeg (or the buffer is discarded on error): no zero fill.
        let buffer = [UInt8](unsafeUninitializedCapacity: outWidth * outHeight * components) { storage, count in
            status = glimpse_jpeg_read_rows(decoder, storage.baseAddress, outWidth * components)
            count = storage.count
        }
        guard status == 0 else { throw failure(decoder) }
        if decoder.pointee.errors.truncated != 0 { throw ImageError.truncated(format: .jpeg) }

        switch components {
        case 3: return RGBImage(unchecked: outWidth, outHeight, buffer, nil)
        case 1: return RGBImage(unchecked: outWidth, outHeight, grayToRGB(buffer), nil)
        default: return RGBImage(unchecked: outWidth, outHeight, invertedCMYKToRGB(buffer), nil)
        }
    }

    /// The largest libjpeg scale denominator (1, 2, 4, 8) that keeps both sides at least `minimum`.
    static func scaleDenominator(width: Int, height: Int, minimum: PixelSize?) -> UInt32 {
        guard let minimum else { return 1 }
        var denominator = 1
        while denominator < 8 {
            let next = denominator * 2
            // libjpeg rounds scaled sizes up.
            let scaledWidth = (width + next - 1) / next
            let scaledHeight = (height + next - 1) / next
            guard scaledWidth >= minimum.width, scaledHeight >= minimum.height else { break }
            denominator = next
        }
        return UInt32(denominator)
    }

    static func grayToRGB(_ gray: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: gray.count * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            for (index, value) in gray.enumerated() {
                out[index * 3] = value
                out[index * 3 + 1] = value
                out[index * 3 + 2] = value
            }
        }
        return rgb
    }

    /// Adobe-inverted CMYK (as stored by Photoshop and Pillow) to RGB, bit-exact with Pillow.
    static func invertedCMYKToRGB(_ cmyk: [UInt8]) -> [UInt8] {
        let count = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: count * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            cmyk.withUnsafeBufferPointer { input in
                for pixel in 0..<count {
                    // Inverted storage: the byte is 255 − ink.
                    let nk = Int(input[pixel * 4 + 3])
                    for channel in 0..<3 {
                        let ink = 255 - Int(input[pixel * 4 + channel])
                        let product = ink * nk + 128
                        let scaled = ((product >> 8) + product) >> 8
                        out[pixel * 3 + channel] = UInt8(clamping: nk - scaled)
                    }
                }
            }
        }
        return rgb
    }

    private static func failure(_ decoder: UnsafeMutablePointer<glimpse_jpeg_decoder>) -> ImageError {
        let message = withUnsafeBytes(of: decoder.pointee.errors.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if decoder.pointee.errors.truncated != 0 || message.contains("Premature end") {
            return .truncated(format: .jpeg)
        }
        return .corrupt(format: .jpeg, reason: message.isEmpty ? "unknown libjpeg error" : message)
    }
}
