import CGIF

/// GIF decoding through giflib: the first frame only (a still for the index), like Pillow's first frame.
///
/// The canvas is the logical screen (grown to hold the frame if the frame is larger, as Pillow does);
/// pixels outside the frame take the transparent index when there is one, else index 0. Interlaced
/// frames are reordered. The transparent index becomes alpha 0; colours come from the local colour
/// table, else the global one (entries beyond the table are black).
enum GIFDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        var source = glimpse_gif_source(data: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                        size: bytes.count, offset: 0)
        var code: Int32 = 0
        return try withUnsafeMutablePointer(to: &source) { pointer in
            guard let gif = glimpse_gif_open(pointer, &code) else { throw error(code: code) }
            defer { _ = glimpse_gif_close(gif) }
            try options.limits.check(width: Int(gif.pointee.SWidth), height: Int(gif.pointee.SHeight))
            var transparent: Int32 = -1
            guard glimpse_gif_first_image(gif, &transparent) == GIF_OK else { throw error(code: gif.pointee.Error) }
            let frame = gif.pointee.Image
            let (left, top) = (Int(frame.Left), Int(frame.Top))
            let (frameWidth, frameHeight) = (Int(frame.Width), Int(frame.Height))
            let width = max(Int(gif.pointee.SWidth), left + frameWidth)
            let height = max(Int(gif.pointee.SHeight), top + frameHeight)
            try options.limits.check(width: width, height: height)
            guard frameWidth > 0, frameHeight > 0 else { throw ImageError.corrupt(format: .gif, reason: "empty frame") }

            var indices = [UInt8](repeating: transparent >= 0 ? UInt8(truncatingIfNeeded: transparent) : 0,
                                  count: width * height)
            var line = [UInt8](repeating: 0, count: frameWidth)
            for row in rowOrder(height: frameHeight, interlaced: frame.Interlace) {
                let status = line.withUnsafeMutableBufferPointer { DGifGetLine(gif, $0.baseAddress, Int32(frameWidth)) }
                guard status == GIF_OK else { throw error(code: gif.pointee.Error) }
                let start = (top + row) * width + left
                indices.replaceSubrange(start..<start + frameWidth, with: line)
            }

            var palette = [UInt8](repeating: 0, count: 256 * 3)
            if let map = frame.ColorMap ?? gif.pointee.SColorMap, let colors = map.pointee.Colors {
                for entry in 0..<min(Int(map.pointee.ColorCount), 256) {
                    palette[entry * 3] = colors[entry].Red
                    palette[entry * 3 + 1] = colors[entry].Green
                    palette[entry * 3 + 2] = colors[entry].Blue
                }
            }
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            for (pixel, index) in indices.enumerated() {
                rgb[pixel * 3] = palette[Int(index) * 3]
                rgb[pixel * 3 + 1] = palette[Int(index) * 3 + 1]
                rgb[pixel * 3 + 2] = palette[Int(index) * 3 + 2]
            }
            let alpha = transparent >= 0 ? indices.map { Int32($0) == transparent ? UInt8(0) : 255 } : nil
            return RGBImage(unchecked: width, height, rgb, alpha)
        }
    }

    /// Frame rows in the order they are stored (GIF interlacing: every 8th from 0, every 8th from 4,
    /// every 4th from 2, every 2nd from 1).
    static func rowOrder(height: Int, interlaced: Bool) -> [Int] {
        guard interlaced else { return Array(0..<height) }
        return [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { start, step in Array(stride(from: start, to: height, by: step)) }
    }

    private static func error(code: Int32) -> ImageError {
        switch code {
        case D_GIF_ERR_READ_FAILED, D_GIF_ERR_EOF_TOO_SOON: return .truncated(format: .gif)
        case D_GIF_ERR_NOT_ENOUGH_MEM: return .decoderUnavailable(format: .gif)
        default:
            let message = GifErrorString(code).map { String(cString: $0) } ?? "giflib error \(code)"
            return .corrupt(format: .gif, reason: message)
        }
    }
}
