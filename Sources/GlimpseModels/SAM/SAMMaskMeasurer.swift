/// Measures low-resolution mask logits as if they had been upscaled to the original image
/// (transformers' `post_process_masks`: bilinear to the padded input, crop, bilinear to the original
/// size) without upscaling most of them.
///
/// Each original pixel is a convex blend of at most 3 × 3 low-resolution logits. The original image is
/// cut into blocks that read only a few low-resolution cells; where all those cells lie clearly on one
/// side of a threshold, every pixel of the block does too and is counted without computing it. Only
/// blocks that straddle a threshold (the mask's edge) are upscaled, with exactly the arithmetic of the
/// full upscale (``SAMMaskResize``), so the counts, box and run lengths are the same.
///
/// One measurer serves one mask at a time: it keeps its working planes from mask to mask, so measuring
/// hundreds of masks does not fault in fresh memory for each.
final class SAMMaskMeasurer {
    let side: Int
    let height: Int
    let width: Int
    private let rows1: SAMMaskResize.Taps, columns1: SAMMaskResize.Taps  // low resolution → input frame
    private let rows2: SAMMaskResize.Taps, columns2: SAMMaskResize.Taps  // resized image → original
    /// Original rows (columns) of each block, and the low-resolution rows (columns) the block reads.
    private let rowBlocks: [(pixels: Range<Int>, cells: ClosedRange<Int>)]
    private let columnBlocks: [(pixels: Range<Int>, cells: ClosedRange<Int>)]
    /// Upscaled values at the original size, written only for blocks some threshold leaves undecided.
    private var values: [Float]
    private let blockScratch: BlockScratch

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
        let rows1 = SAMMaskResize.Taps(input: side, output: g.inputSize)
        let columns1 = SAMMaskResize.Taps(input: side, output: g.inputSize)
        let rows2 = SAMMaskResize.Taps(input: g.resizedHeight, output: g.originalHeight)
        let columns2 = SAMMaskResize.Taps(input: g.resizedWidth, output: g.originalWidth)
        (self.rows1, self.columns1, self.rows2, self.columns2) = (rows1, columns1, rows2, columns2)
        let rowBlocks = Self.blocks(first: rows1, second: rows2, count: g.originalHeight, cellsPerBlock: cellsPerBlock)
        let columnBlocks = Self.blocks(first: columns1, second: columns2, count: g.originalWidth, cellsPerBlock: cellsPerBlock)
        (self.rowBlocks, self.columnBlocks) = (rowBlocks, columnBlocks)
        values = [Float](repeating: 0, count: g.originalHeight * g.originalWidth)
        blockScratch = BlockScratch(rowBlocks: rowBlocks.map { Self.reads($0.pixels, first: rows1, second: rows2) },
                                    columnBlocks: columnBlocks.map { (Self.reads($0.pixels, first: columns1, second: columns2), $0.pixels) })
    }

    deinit { blockScratch.deallocate() }

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

    /// The input-frame rows (columns) a block of original rows (columns) reads, and the low-resolution
    /// rows (columns) those read.
    private static func reads(_ pixels: Range<Int>, first: SAMMaskResize.Taps, second: SAMMaskResize.Taps)
        -> (frame: ClosedRange<Int>, cells: ClosedRange<Int>) {
        let frame = second.lower[pixels.lowerBound]...second.upper[pixels.upperBound - 1]
        return (frame, first.lower[frame.lowerBound]...first.upper[frame.upperBound])
    }

    /// The intermediate planes of one block's upscale, large enough for any block.
    private struct BlockScratch {
        let horizontal1: UnsafeMutablePointer<Float>
        let stage1: UnsafeMutablePointer<Float>
        let horizontal2: UnsafeMutablePointer<Float>

        init(rowBlocks: [(frame: ClosedRange<Int>, cells: ClosedRange<Int>)],
             columnBlocks: [(reads: (frame: ClosedRange<Int>, cells: ClosedRange<Int>), pixels: Range<Int>)]) {
            let cells = rowBlocks.map(\.cells.count).max() ?? 0, rows = rowBlocks.map(\.frame.count).max() ?? 0
            let columns = columnBlocks.map(\.reads.frame.count).max() ?? 0, pixels = columnBlocks.map(\.pixels.count).max() ?? 0
            let sizes = [cells * columns, rows * columns, rows * pixels]
            horizontal1 = .allocate(capacity: sizes.reduce(0, +))
            stage1 = horizontal1 + sizes[0]
            horizontal2 = stage1 + sizes[1]
        }

        func deallocate() { horizontal1.deallocate() }
    }

    /// Upscales the pixels of block (`i`, `j`) into `out` (row-major, original size), separably and with
    /// the same arithmetic as the full upscale.
    private func upscaleBlock(_ logits: UnsafeBufferPointer<Float>, _ i: Int, _ j: Int, scratch: BlockScratch,
                              into out: UnsafeMutableBufferPointer<Float>) {
        let ys = rowBlocks[i].pixels, xs = columnBlocks[j].pixels
        let (rs, lows) = Self.reads(ys, first: rows1, second: rows2)  // input-frame and low-resolution rows read
        let cs = Self.reads(xs, first: columns1, second: columns2).frame  // input-frame columns read
        let width1 = cs.count, width2 = xs.count
        // Stage 1, width pass: low-resolution rows × input-frame columns.
        let horizontal1 = scratch.horizontal1
        for (a, low) in lows.enumerated() {
            let row = low * side, line = a * width1
            for (b, c) in cs.enumerated() {
                horizontal1[line + b] = logits[row + columns1.lower[c]] * columns1.lowerWeight[c]
                    + logits[row + columns1.upper[c]] * columns1.upperWeight[c]
            }
        }
        // Stage 1, height pass: input-frame rows × columns.
        let stage1 = scratch.stage1
        for (a, r) in rs.enumerated() {
            let top = horizontal1 + (rows1.lower[r] - lows.lowerBound) * width1
            let bottom = horizontal1 + (rows1.upper[r] - lows.lowerBound) * width1
            let (upperWeight, lowerWeight) = (rows1.upperWeight[r], rows1.lowerWeight[r])
            let line = stage1 + a * width1
            for b in 0..<width1 { line[b] = top[b] * lowerWeight + bottom[b] * upperWeight }
        }
        // Stage 2, width pass: input-frame rows × original columns.
        let horizontal2 = scratch.horizontal2
        for a in 0..<rs.count {
            let source = a * width1 - cs.lowerBound, line = horizontal2 + a * width2
            for (b, x) in xs.enumerated() {
                line[b] = stage1[source + columns2.lower[x]] * columns2.lowerWeight[x]
                    + stage1[source + columns2.upper[x]] * columns2.upperWeight[x]
            }
        }
        // Stage 2, height pass.
        for y in ys {
            let top = horizontal2 + (rows2.lower[y] - rs.lowerBound) * width2
            let bottom = horizontal2 + (rows2.upper[y] - rs.lowerBound) * width2
            let (upperWeight, lowerWeight) = (rows2.upperWeight[y], rows2.lowerWeight[y])
            let line = out.baseAddress! + y * width + xs.lowerBound
            for b in 0..<width2 { line[b] = top[b] * lowerWeight + bottom[b] * upperWeight }
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
        return values.withUnsafeMutableBufferPointer { values -> Measurement? in
            for i in rowBlocks.indices {
                for j in columnBlocks.indices where states.contains(where: { $0[i * columnBlocks.count + j] == 2 }) {
                    upscaleBlock(logits, i, j, scratch: blockScratch, into: values)
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
