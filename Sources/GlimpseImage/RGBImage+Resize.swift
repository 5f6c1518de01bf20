/// A rectangle of pixels: origin at the top-left, sizes in pixels.
public struct PixelRect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var description: String { "(\(x), \(y), \(width)×\(height))" }

    /// The overlap of two rectangles, or nil when they do not overlap.
    public func intersection(_ other: PixelRect) -> PixelRect? {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return nil }
        return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
    }
}

extension RGBImage {
    /// The image resized to `size`, bit-exact with Pillow's `Image.resize(size, filter)` on an RGB image:
    /// a horizontal pass, then a vertical pass, each with 22-bit fixed-point taps and 8-bit rounding.
    /// Alpha, when present, is resized as its own channel (not premultiplied).
    public func resized(to size: PixelSize, filter: ResamplingFilter) throws -> RGBImage {
        try resized(to: size, filter: filter, window: PixelRect(x: 0, y: 0, width: size.width, height: size.height))
    }

    /// The part `window` of the image resized to `size` — equal to resizing the whole image and then
    /// cropping, but only the pixels inside `window` are computed (a centre crop of a very long image
    /// stays cheap). `window` must lie inside `size`.
    public func resized(to size: PixelSize, filter: ResamplingFilter, window: PixelRect) throws -> RGBImage {
        guard size.width > 0, size.height > 0 else { throw ImageError.invalidArgument("resize to \(size)") }
        guard window.width > 0, window.height > 0, window.x >= 0, window.y >= 0,
              window.maxX <= size.width, window.maxY <= size.height else {
            throw ImageError.invalidArgument("window \(window) outside \(size)")
        }
        let rgb = Resampler.resample(pixels, channels: 3, width: width, height: height,
                                     to: size, window: window, filter: filter)
        let resizedAlpha = alpha.map {
            Resampler.resample($0, channels: 1, width: width, height: height, to: size, window: window, filter: filter)
        }
        return RGBImage(unchecked: window.width, window.height, rgb, resizedAlpha)
    }
}

/// The two passes of Pillow's separable resampling on interleaved 8-bit channels.
///
/// Pass order follows Pillow 13: horizontal first, except when the height shrinks by more than twice
/// as many pixels as the width (`inH − outH > 2 · (inW − outW)`), where the vertical pass goes first.
/// The order changes the intermediate 8-bit rounding, so it matters for bit-exactness.
enum Resampler {
    static func verticalFirst(from width: Int, _ height: Int, to size: PixelSize) -> Bool {
        size.height < height && height - size.height > 2 * (width - size.width)
    }

    static func resample(_ source: [UInt8], channels: Int, width: Int, height: Int,
                         to size: PixelSize, window: PixelRect, filter: ResamplingFilter) -> [UInt8] {
        let columns = window.x..<window.maxX
        let rows = window.y..<window.maxY
        let horizontal = size.width != width
            ? ResamplingTaps(inputSize: width, outputSize: size.width, outputs: columns, filter: filter) : nil
        let vertical = size.height != height
            ? ResamplingTaps(inputSize: height, outputSize: size.height, outputs: rows, filter: filter) : nil
        let sourceColumns = horizontal?.sourceRange ?? columns
        let sourceRows = vertical?.sourceRange ?? rows
        let stride = width * channels

        return source.withUnsafeBufferPointer { input -> [UInt8] in
            let base = input.baseAddress!
            switch (horizontal, vertical) {
            case (nil, nil):
                return copy(base, stride: stride, rows: rows, columns: columns, channels: channels)
            case (let h?, nil):
                return horizontalPass(base, stride: stride, firstColumn: 0, rows: rows, channels: channels, taps: h)
            case (nil, let v?):
                return verticalPass(base + window.x * channels, stride: stride, firstRow: 0,
                                    rowBytes: window.width * channels, taps: v)
            case (let h?, let v?):
                if verticalFirst(from: width, height, to: size) {
                    let middle = verticalPass(base + sourceColumns.lowerBound * channels, stride: stride, firstRow: 0,
                                              rowBytes: sourceColumns.count * channels, taps: v)
                    return middle.withUnsafeBufferPointer {
                        horizontalPass($0.baseAddress!, stride: sourceColumns.count * channels,
                                       firstColumn: sourceColumns.lowerBound, rows: 0..<rows.count,
                                       channels: channels, taps: h)
                    }
                }
                let middle = horizontalPass(base, stride: stride, firstColumn: 0, rows: sourceRows,
                                            channels: channels, taps: h)
                return middle.withUnsafeBufferPointer {
                    verticalPass($0.baseAddress!, stride: window.width * channels, firstRow: sourceRows.lowerBound,
                                 rowBytes: window.width * channels, taps: v)
                }
            }
        }
    }

    static func copy(_ input: UnsafePointer<UInt8>, stride: Int, rows: Range<Int>, columns: Range<Int>,
                     channels: Int) -> [UInt8] {
        let rowBytes = columns.count * channels
        var output = [UInt8](repeating: 0, count: rows.count * rowBytes)
        output.withUnsafeMutableBufferPointer { out in
            for (slot, row) in rows.enumerated() {
                (out.baseAddress! + slot * rowBytes).update(from: input + row * stride + columns.lowerBound * channels,
                                                            count: rowBytes)
            }
        }
        return output
    }

    @inline(__always)
    static func clip(_ sum: Int32) -> UInt8 {
        let value = sum >> ResamplingTaps.precisionBits
        return value < 0 ? 0 : value > 255 ? 255 : UInt8(truncatingIfNeeded: value)
    }

    /// Resamples `rows` of the input (rows `stride` bytes apart, column 0 being source column
    /// `firstColumn`) along x; returns `rows.count` rows of `taps` outputs.
    static func horizontalPass(_ input: UnsafePointer<UInt8>, stride: Int, firstColumn: Int, rows: Range<Int>,
                               channels: Int, taps: ResamplingTaps) -> [UInt8] {
        let half: Int32 = 1 << (ResamplingTaps.precisionBits - 1)
        let outWidth = taps.first.count
        var result = [UInt8](repeating: 0, count: rows.count * outWidth * channels)
        result.withUnsafeMutableBufferPointer { output in
            taps.weights.withUnsafeBufferPointer { weights in
                for (slot, row) in rows.enumerated() {
                    let line = input + row * stride
                    var out = output.baseAddress! + slot * outWidth * channels
                    for column in 0..<outWidth {
                        let k = weights.baseAddress! + column * taps.kernelSize
                        var p = line + (taps.first[column] - firstColumn) * channels
                        let n = taps.count[column]
                        if channels == 3 {
                            var s0 = half, s1 = half, s2 = half
                            for tap in 0..<n {
                                let w = k[tap]
                                s0 &+= Int32(p[0]) &* w
                                s1 &+= Int32(p[1]) &* w
                                s2 &+= Int32(p[2]) &* w
                                p += 3
                            }
                            out[0] = clip(s0)
                            out[1] = clip(s1)
                            out[2] = clip(s2)
                        } else {
                            for channel in 0..<channels {
                                var s = half
                                for tap in 0..<n { s &+= Int32(p[tap * channels + channel]) &* k[tap] }
                                out[channel] = clip(s)
                            }
                        }
                        out += channels
                    }
                }
            }
        }
        return result
    }

    /// Resamples along y: output row `slot` combines input rows `taps.first[slot] − firstRow …`
    /// (`stride` bytes apart), each contributing `rowBytes` bytes.
    static func verticalPass(_ input: UnsafePointer<UInt8>, stride: Int, firstRow: Int, rowBytes: Int,
                             taps: ResamplingTaps) -> [UInt8] {
        let half: Int32 = 1 << (ResamplingTaps.precisionBits - 1)
        var result = [UInt8](repeating: 0, count: taps.first.count * rowBytes)
        var sums = [Int32](repeating: 0, count: rowBytes)
        result.withUnsafeMutableBufferPointer { output in
            taps.weights.withUnsafeBufferPointer { weights in
                sums.withUnsafeMutableBufferPointer { acc in
                    for slot in 0..<taps.first.count {
                        for index in 0..<rowBytes { acc[index] = half }
                        let k = weights.baseAddress! + slot * taps.kernelSize
                        for tap in 0..<taps.count[slot] {
                            let w = k[tap]
                            let line = input + (taps.first[slot] - firstRow + tap) * stride
                            for index in 0..<rowBytes { acc[index] &+= Int32(line[index]) &* w }
                        }
                        let out = output.baseAddress! + slot * rowBytes
                        for index in 0..<rowBytes { out[index] = clip(acc[index]) }
                    }
                }
            }
        }
        return result
    }
}
