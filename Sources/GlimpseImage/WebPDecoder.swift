import CWebP

/// WebP decoding through libwebp: lossy, lossless, with or without alpha; animations give their first
/// frame (composited on the canvas, as Pillow's animation decoder does).
enum WebPDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(base, bytes.count, &features)
        guard status == VP8_STATUS_OK else { throw error(for: status) }
        let width = Int(features.width)
        let height = Int(features.height)
        try options.limits.check(width: width, height: height)
        if features.has_animation != 0 { return try firstFrame(bytes, options: options) }

        let hasAlpha = features.has_alpha != 0
        let channels = hasAlpha ? 4 : 3
        var buffer = [UInt8](repeating: 0, count: width * height * channels)
        let decoded = buffer.withUnsafeMutableBufferPointer { out -> Bool in
            let stride = Int32(width * channels)
            let result = hasAlpha
                ? WebPDecodeRGBAInto(base, bytes.count, out.baseAddress, out.count, stride)
                : WebPDecodeRGBInto(base, bytes.count, out.baseAddress, out.count, stride)
            return result != nil
        }
        guard decoded else { throw decodeFailure(bytes) }
        if !hasAlpha { return RGBImage(unchecked: width, height, buffer, nil) }
        return PNGDecoder.splitAlpha(buffer, width: width, height: height)
    }

    /// The first frame of an animated WebP, as RGBA on the animation canvas.
    private static func firstFrame(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        var data = WebPData(bytes: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), size: bytes.count)
        var decoderOptions = WebPAnimDecoderOptions()
        guard WebPAnimDecoderOptionsInit(&decoderOptions) != 0 else { throw ImageError.decoderUnavailable(format: .webp) }
        decoderOptions.color_mode = MODE_RGBA
        decoderOptions.use_threads = 0
        guard let decoder = WebPAnimDecoderNew(&data, &decoderOptions) else {
            throw ImageError.corrupt(format: .webp, reason: "invalid animation")
        }
        defer { WebPAnimDecoderDelete(decoder) }
        var info = WebPAnimInfo()
        guard WebPAnimDecoderGetInfo(decoder, &info) != 0 else {
            throw ImageError.corrupt(format: .webp, reason: "invalid animation header")
        }
        let width = Int(info.canvas_width)
        let height = Int(info.canvas_height)
        try options.limits.check(width: width, height: height)
        var frame: UnsafeMutablePointer<UInt8>?
        var timestamp: Int32 = 0
        guard WebPAnimDecoderGetNext(decoder, &frame, &timestamp) != 0, let frame else {
            throw decodeFailure(bytes)
        }
        let rgba = Array(UnsafeBufferPointer(start: frame, count: width * height * 4))
        return PNGDecoder.splitAlpha(rgba, width: width, height: height)
    }

    /// Distinguishes a truncated file from corrupt data by decoding incrementally.
    private static func decodeFailure(_ bytes: UnsafeRawBufferPointer) -> ImageError {
        guard bytes.count >= 12 else { return .truncated(format: .webp) }
        let declared = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        if declared + 8 > bytes.count { return .truncated(format: .webp) }
        return .corrupt(format: .webp, reason: "the bitstream could not be decoded")
    }

    private static func error(for status: VP8StatusCode) -> ImageError {
        switch status {
        case VP8_STATUS_NOT_ENOUGH_DATA: .truncated(format: .webp)
        case VP8_STATUS_OUT_OF_MEMORY: .decoderUnavailable(format: .webp)
        case VP8_STATUS_UNSUPPORTED_FEATURE: .corrupt(format: .webp, reason: "unsupported feature")
        default: .corrupt(format: .webp, reason: "invalid header (status \(status.rawValue))")
        }
    }
}
