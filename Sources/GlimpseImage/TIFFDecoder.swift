import CTIFF

/// TIFF decoding through libtiff: the first image (page).
///
/// 8-bit RGB, RGBA, gray and gray+alpha images stored in strips are read sample by sample, exactly as
/// stored (as Pillow does; alpha stays unassociated). Every other layout libtiff knows (palette, CMYK,
/// YCbCr/JPEG, tiles, planar, other bit depths) goes through libtiff's RGBA interface, which
/// premultiplies alpha. The Orientation tag is applied like an EXIF orientation (as Pillow does).
enum TIFFDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        var source = glimpse_tiff_source()
        source.data = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        source.size = UInt64(bytes.count)
        return try withUnsafeMutablePointer(to: &source) { pointer in
            let maxAllocation = min(options.limits.maxPixels, Int.max / 8) * 4 + (16 << 20)
            guard let tiff = glimpse_tiff_open(pointer, tmsize_t(maxAllocation)) else { throw failure(pointer) }
            defer { TIFFClose(tiff) }
            var width: UInt32 = 0, height: UInt32 = 0
            var hasAlpha: Int32 = 0
            guard glimpse_tiff_info(tiff, &width, &height, &hasAlpha) == 0 else { throw failure(pointer) }
            try options.limits.check(width: Int(width), height: Int(height))
            var bits: Int32 = 0, samples: Int32 = 0, photometric: Int32 = 0, contiguous: Int32 = 0
            glimpse_tiff_layout(tiff, &bits, &samples, &photometric, &contiguous)
            let direct = contiguous != 0 && bits == 8
                && ((photometric == PHOTOMETRIC_RGB && (samples == 3 || samples == 4))
                    || (photometric == PHOTOMETRIC_MINISBLACK && (samples == 1 || samples == 2)))
            if direct {
                return try readSamples(tiff, width: Int(width), height: Int(height), samples: Int(samples), pointer)
            }
            return try readRGBA(tiff, width: width, height: height, hasAlpha: hasAlpha != 0, pointer)
        }
    }

    private static func readSamples(_ tiff: OpaquePointer, width: Int, height: Int, samples: Int,
                                    _ source: UnsafeMutablePointer<glimpse_tiff_source>) throws -> RGBImage {
        let stride = width * samples
        var stored = [UInt8](repeating: 0, count: stride * height)
        let status = stored.withUnsafeMutableBufferPointer {
            glimpse_tiff_read_contig(tiff, UInt32(height), $0.baseAddress, stride)
        }
        guard status == 0 else { throw failure(source) }
        switch samples {
        case 3:
            return RGBImage(unchecked: width, height, stored, nil)
        case 4:
            return PNGDecoder.splitAlpha(stored, width: width, height: height)
        default:
            let count = width * height
            var rgb = [UInt8](repeating: 0, count: count * 3)
            var alpha = samples == 2 ? [UInt8](repeating: 0, count: count) : nil
            for pixel in 0..<count {
                let gray = stored[pixel * samples]
                rgb[pixel * 3] = gray
                rgb[pixel * 3 + 1] = gray
                rgb[pixel * 3 + 2] = gray
                alpha?[pixel] = stored[pixel * samples + samples - 1]
            }
            return RGBImage(unchecked: width, height, rgb, alpha)
        }
    }

    private static func readRGBA(_ tiff: OpaquePointer, width: UInt32, height: UInt32, hasAlpha: Bool,
                                 _ source: UnsafeMutablePointer<glimpse_tiff_source>) throws -> RGBImage {
        let count = Int(width) * Int(height)
        var raster = [UInt32](repeating: 0, count: count)
        let status = raster.withUnsafeMutableBufferPointer { glimpse_tiff_read_rgba(tiff, width, height, $0.baseAddress) }
        guard status == 0 else { throw failure(source) }
        var rgb = [UInt8](repeating: 0, count: count * 3)
        var alpha = hasAlpha ? [UInt8](repeating: 0, count: count) : nil
        for (pixel, word) in raster.enumerated() {
            // libtiff packs R, G, B, A from the low byte up.
            rgb[pixel * 3] = UInt8(truncatingIfNeeded: word)
            rgb[pixel * 3 + 1] = UInt8(truncatingIfNeeded: word >> 8)
            rgb[pixel * 3 + 2] = UInt8(truncatingIfNeeded: word >> 16)
            alpha?[pixel] = UInt8(truncatingIfNeeded: word >> 24)
        }
        return RGBImage(unchecked: Int(width), Int(height), rgb, alpha)
    }

    private static func failure(_ source: UnsafeMutablePointer<glimpse_tiff_source>) -> ImageError {
        let message = withUnsafeBytes(of: source.pointee.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let lowered = message.lowercased()
        if lowered.contains("read error") || lowered.contains("unexpected end") || lowered.contains("cannot read")
            || lowered.contains("premature") || lowered.contains("not enough data") {
            return .truncated(format: .tiff)
        }
        return .corrupt(format: .tiff, reason: message.isEmpty ? "libtiff could not read the image" : message)
    }
}
