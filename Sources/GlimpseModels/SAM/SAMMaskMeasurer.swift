/// Measures low-resolution mask logits as if they had been upscaled to the original image
/// (transformers' `post_process_masks`: bilinear to the padded input, crop, bilinear to the original
/// size) without upscaling most of them.
///
/// Each original pixel is a convex blend of at most 3 × 3 low-resolution logits. The original image is
/// cut into blocks that read only a few low-resolution cells; where all those cells lie clearly on one
/// side of a threshold, every pixel of the block does too and is counted without computing it. Only
/// blocks that straddle a threshold (the mask's edge) are upscaled, with exactly the arithmetic of the
/// full upscale (``SAMMaskResize``), so the counts, box and run lengths are the same.
struct SAMMaskMeasurer {
    let side: Int
    let height: Int
    let width: Int
    private let rows1: SAMMaskResize.Taps, columns1: SAMMaskResize.Taps  // low resolution → input frame
    private let rows2: SAMMaskResize.Taps, columns2: SAMMaskResize.Taps  // resized image → original
    /// Original rows (columns) of each block, and the low-resolution rows (columns) the block reads.
    private let rowBlocks: [(pixels: Range<Int>, cells: ClosedRange<Int>)]
    private let columnBlocks: [(pixels: Range<Int>, cells: ClosedRange<Int>)]

    /// What a mask looks like at the original resolution.
    struct Measurement {
        var stabilityScore: Float
        var area: Int
        var box: SAMPixelBox
        var segmentation: SAMRunLengthMask
    }

    init(side: Int, geometry g: SAMImageGeometry, cellsPerBlock: Int = 4) {
        self.side = side
        height = g.originalHeight
        width = g.originalWidth
        rows1 = SAMMaskResize.Taps(input: side, output: g.inputSize)
        columns1 = SAMMaskResize.Taps(input: side, output: g.inputSize)
        rows2 = SAMMaskResize.Taps(input: g.resizedHeight, output: g.originalHeight)
        columns2 = SAMMaskResize.Taps(input: g.resizedWidth, output: g.originalWidth)
        rowBlocks = Self.blocks(first: rows1, second: rows2, count: g.originalHeight, cellsPerBlock: cellsPerBlock)
        columnBlocks = Self.blocks(first: columns1, second: columns2, count: g.originalWidth, cellsPerBlock: cellsPerBlock)
    }

    /// Groups consecutive output indices whose first low-resolution cell falls in the same run of
    /// `cellsPerBlock` cells; each group reads the cells from its first lower tap to its last upper tap.
    private static func blocks(first: SAMMaskResize.Taps, second: SAMMaskResize.Taps, count: Int, cellsPerBlock: Int)
        -> [(pixels: Range<Int>, cells: ClosedRange<Int>)] {
        var result: [(pixels: Range<Int>, cells: ClosedRange<Int>)] = []
        var start = 0
        for index in 0...count {
            let key = index < count ? first.lower[second.lower[index]] / cellsPerBlock : -1
            if index == count || (index > start && key != first.lower[second.lower[start]] / cellsPerBlock) {
                if index > start {
                    result.append((start..<index, first.lower[second.lower[start]]...first.upper[second.upper[index - 1]]))
                }
                start = index
            }
        }
        return result
    }

    /// Block states for one threshold: 0 no pixel above, 1 every pixel above, 2 mixed.
    private func classify(_ logits: UnsafeBufferPointer<Float>, thresholds: [Float]) -> [[UInt8]] {
        var states = thresholds.map { _ in [UInt8](repeating: 2, count: rowBlocks.count * columnBlocks.count) }
        for (i, rowBlock) in rowBlocks.enumerated() {
            for (j, columnBlock) in columnBlocks.enumerated() {
                var low = Float.infinity, high = -Float.infinity
                for r in rowBlock.cells {
                    for c in columnBlock.cells {
                        let v = logits[r * side + c]
                        low = min(low, v)
                        high = max(high, v)
                    }
                }
                // Blends of values in [low, high] stay within a few ulps of that range.
                let margin = 1e-5 * (1 + max(abs(low), abs(high)))
                for (k, threshold) in thresholds.enumerated() {
                    if low > threshold + margin {
                        states[k][i * columnBlocks.count + j] = 1
                    } else if high < threshold - margin {
                        states[k][i * columnBlocks.count + j] = 0
                    }
                }
            }
        }
        return states
    }

    /// Upscales the pixels of block (`i`, `j`) into `out` (row-major, original size), separably and with
    /// the same arithmetic as the full upscale.
    private func upscaleBlock(_ logits: UnsafeBufferPointer<Float>, _ i: Int, _ j: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let ys = rowBlocks[i].pixels, xs = columnBlocks[j].pixels
        let rs = rows2.lower[ys.lowerBound]...rows2.upper[ys.upperBound - 1]  // input-frame rows read
        let cs = columns2.lower[xs.lowerBound]...columns2.upper[xs.upperBound - 1]  // input-frame columns read
        let lows = rows1.lower[rs.lowerBound]...rows1.upper[rs.upperBound]  // low-resolution rows read
        // Stage 1, width pass: low-resolution rows × input-frame columns.
        var horizontal1 = [Float](repeating: 0, count: lows.count * cs.count)
        for (a, low) in lows.enumerated() {
            for (b, c) in cs.enumerated() {
                horizontal1[a * cs.count + b] = logits[low * side + columns1.lower[c]] * columns1.lowerWeight[c]
                    + logits[low * side + columns1.upper[c]] * columns1.upperWeight[c]
            }
        }
        // Stage 1, height pass: input-frame rows × columns.
        var stage1 = [Float](repeating: 0, count: rs.count * cs.count)
        for (a, r) in rs.enumerated() {
            let top = (rows1.lower[r] - lows.lowerBound) * cs.count, bottom = (rows1.upper[r] - lows.lowerBound) * cs.count
            for b in 0..<cs.count {
                stage1[a * cs.count + b] = horizontal1[top + b] * rows1.lowerWeight[r] + horizontal1[bottom + b] * rows1.upperWeight[r]
            }
        }
        // Stage 2, width pass: input-frame rows × original columns.
        var horizontal2 = [Float](repeating: 0, count: rs.count * xs.count)
        for a in 0..<rs.count {
            for (b, x) in xs.enumerated() {
                horizontal2[a * xs.count + b] = stage1[a * cs.count + columns2.lower[x] - cs.lowerBound] * columns2.lowerWeight[x]
                    + stage1[a * cs.count + columns2.upper[x] - cs.lowerBound] * columns2.upperWeight[x]
            }
        }
        // Stage 2, height pass.
        for y in ys {
            let top = (rows2.lower[y] - rs.lowerBound) * xs.count, bottom = (rows2.upper[y] - rs.lowerBound) * xs.count
            for (b, x) in xs.enumerated() {
                out[y * width + x] = horizontal2[top + b] * rows2.lowerWeight[y] + horizontal2[bottom + b] * rows2.upperWeight[y]
            }
        }
    }

    /// Pixels above `threshold`: whole blocks where certain, upscaled values elsewhere.
    private func count(_ values: UnsafeMutableBufferPointer<Float>, states: [UInt8], threshold: Float) -> Int {
        var total = 0
        for (i, rowBlock) in rowBlocks.enumerated() {
            for (j, columnBlock) in columnBlocks.enumerated() {
                switch states[i * columnBlocks.count + j] {
                case 0: break
                case 1: total += rowBlock.pixels.count * columnBlock.pixels.count
                default:
                    for y in rowBlock.pixels {
                        for x in columnBlock.pixels where values[y * width + x] > threshold { total += 1 }
                    }
                }
            }
        }
        return total
    }

    /// Stability score, and — when `accept` says the score is good enough — area, box and run lengths
    /// of the mask `logit > threshold` at the original resolution.
    func measure(_ logits: UnsafeBufferPointer<Float>, threshold: Float, offset: Float, accept: (Float) -> Bool) -> Measurement? {
        let states = classify(logits, thresholds: [threshold - offset, threshold, threshold + offset])
        // Upscaled values, written only for blocks that some threshold leaves undecided.
        var scratch = [Float](unsafeUninitializedCapacity: height * width) { _, count in count = height * width }
        return scratch.withUnsafeMutableBufferPointer { values -> Measurement? in
            for i in rowBlocks.indices {
                for j in columnBlocks.indices where states.contains(where: { $0[i * columnBlocks.count + j] == 2 }) {
                    upscaleBlock(logits, i, j, into: values)
                }
            }
            let outer = count(values, states: states[0], threshold: threshold - offset)
            let inner = count(values, states: states[2], threshold: threshold + offset)
            let stability = Float(inner) / Float(outer)
            guard accept(stability) else { return nil }
            return encode(values, states: states[1], threshold: threshold, stability: stability)
        }
    }

    /// Column-major run lengths of the mask, with its area and box.
    private func encode(_ values: UnsafeMutableBufferPointer<Float>, states mask: [UInt8], threshold: Float, stability: Float) -> Measurement {
        var counts: [Int] = [], current = false, run = 0
        var area = 0, x0 = width, y0 = height, x1 = -1, y1 = -1
        for (j, columnBlock) in columnBlocks.enumerated() {
            for x in columnBlock.pixels {
                for (i, rowBlock) in rowBlocks.enumerated() {
                    let state = mask[i * columnBlocks.count + j]
                    if state != 2 {
                        let inside = state == 1
                        if inside != current {
                            counts.append(run)
                            current = inside
                            run = 0
                        }
                        run += rowBlock.pixels.count
                        if inside {
                            area += rowBlock.pixels.count
                            (x0, x1) = (min(x0, x), max(x1, x))
                            (y0, y1) = (min(y0, rowBlock.pixels.lowerBound), max(y1, rowBlock.pixels.upperBound - 1))
                        }
                        continue
                    }
                    for y in rowBlock.pixels {
                        let inside = values[y * width + x] > threshold
                        if inside != current {
                            counts.append(run)
                            current = inside
                            run = 0
                        }
                        run += 1
                        if inside {
                            area += 1
                            (x0, x1) = (min(x0, x), max(x1, x))
                            (y0, y1) = (min(y0, y), max(y1, y))
                        }
                    }
                }
            }
        }
        counts.append(run)
        let box = area == 0 ? SAMPixelBox(x0: 0, y0: 0, x1: 0, y1: 0) : SAMPixelBox(x0: x0, y0: y0, x1: x1, y1: y1)
        return Measurement(stabilityScore: stability, area: area, box: box,
                           segmentation: SAMRunLengthMask(height: height, width: width, counts: counts))
    }
}
