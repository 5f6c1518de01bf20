/// A run of equal pixels inside one column of a mask: rows `start..<end` of column `column`.
struct SAMColumnRun: Hashable {
    var column: Int
    var start: Int
    var end: Int
    var isSet: Bool

    var length: Int { end - start }
}

extension SAMRunLengthMask {
    /// The runs cut at column boundaries, column by column, top to bottom; together they cover the mask.
    func columnRuns() -> [SAMColumnRun] {
        var runs: [SAMColumnRun] = []
        runs.reserveCapacity(counts.count + width)
        var position = 0, isSet = false
        for count in counts {
            var remaining = count
            while remaining > 0 {
                let column = position / height, row = position % height
                let length = min(remaining, height - row)
                runs.append(SAMColumnRun(column: column, start: row, end: row + length, isSet: isSet))
                position += length
                remaining -= length
            }
            isSet.toggle()
        }
        return runs
    }

    /// The mask of column runs that cover `height × width` in order, with adjacent equal runs merged.
    init<Runs: Sequence>(height: Int, width: Int, columnRuns runs: Runs) where Runs.Element == SAMColumnRun {
        var builder = Builder()
        for run in runs { builder.append(run.isSet, run.length) }
        self.init(height: height, width: width, counts: builder.finish())
    }

    /// Pixels in the mask.
    public var area: Int { stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + counts[$1] } }

    /// The bounding box of the set pixels, last row and column included; all zeros for an empty mask
    /// (`batched_mask_to_box`).
    public var box: SAMPixelBox {
        var x0 = width, y0 = height, x1 = -1, y1 = -1
        for run in columnRuns() where run.isSet {
            (x0, x1) = (min(x0, run.column), max(x1, run.column))
            (y0, y1) = (min(y0, run.start), max(y1, run.end - 1))
        }
        return x1 < 0 ? SAMPixelBox(x0: 0, y0: 0, x1: 0, y1: 0) : SAMPixelBox(x0: x0, y0: y0, x1: x1, y1: y1)
    }

    /// This mask placed at (`left`, `top`) in an empty `height × width` mask (`uncrop_masks`).
    func padded(left: Int, top: Int, height totalHeight: Int, width totalWidth: Int) -> SAMRunLengthMask {
        precondition(left >= 0 && top >= 0 && left + width <= totalWidth && top + height <= totalHeight)
        if left == 0, top == 0, width == totalWidth, height == totalHeight { return self }
        var builder = Builder()
        builder.append(false, left * totalHeight)
        var column = -1
        for run in columnRuns() {
            if run.column != column {
                if column >= 0 { builder.append(false, totalHeight - top - height) }
                column = run.column
                builder.append(false, top)
            }
            builder.append(run.isSet, run.length)
        }
        if column >= 0 { builder.append(false, totalHeight - top - height) }
        builder.append(false, (totalWidth - left - width) * totalHeight)
        return SAMRunLengthMask(height: totalHeight, width: totalWidth, counts: builder.finish())
    }

    /// Collects runs into COCO counts: alternating, starting with unset pixels.
    struct Builder {
        private var counts: [Int] = []
        private var current = false
        private var run = 0

        mutating func append(_ isSet: Bool, _ length: Int) {
            guard length > 0 else { return }
            if isSet == current {
                run += length
            } else {
                counts.append(run)
                current = isSet
                run = length
            }
        }

        func finish() -> [Int] { counts + [run] }
    }
}
