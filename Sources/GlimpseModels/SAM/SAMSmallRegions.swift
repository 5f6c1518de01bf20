import GlimpseRuntime

/// Removal of small holes and islands from masks: the original generator's `min_mask_region_area`
/// (segment-anything's `remove_small_regions` and `postprocess_small_regions`).
///
/// Regions are 8-connected, as OpenCV's `connectedComponentsWithStats` finds them, but are found on the
/// run lengths directly: each column run is a node, and runs of the same value in neighbouring columns
/// whose rows touch, diagonals included, are joined. The cost follows the number of runs, not pixels.
enum SAMSmallRegions {
    /// Fills holes smaller than `minArea` (any unset region, one touching the border included), then
    /// removes set regions smaller than `minArea`, keeping the largest region when all are smaller.
    /// - Returns: the new mask, or `nil` when neither step changed anything.
    static func cleaned(_ mask: SAMRunLengthMask, minArea: Int) -> SAMRunLengthMask? {
        let filled = edited(mask, minArea: minArea, holes: true)
        let cleaned = edited(filled ?? mask, minArea: minArea, holes: false)
        return cleaned ?? filled
    }

    /// `remove_small_regions` in mode "holes" (`holes`) or "islands"; `nil` when no region is small.
    static func edited(_ mask: SAMRunLengthMask, minArea: Int, holes: Bool) -> SAMRunLengthMask? {
        var runs = mask.columnRuns()
        let target = !holes  // the value whose regions are measured
        let regions = Regions(runs: runs, value: target)
        let small = Set(regions.sizes.indices.filter { regions.sizes[$0] < minArea })
        guard !small.isEmpty else { return nil }
        let keep: Set<Int>  // regions of `target` that stay set (islands) or become set (holes)
        if holes {
            keep = small
        } else {
            let large = Set(regions.sizes.indices).subtracting(small)
            keep = large.isEmpty ? [regions.largest] : large
        }
        for index in runs.indices where runs[index].isSet == target {
            let inKeep = keep.contains(regions.label[index])
            runs[index].isSet = holes ? (inKeep || runs[index].isSet) : inKeep
        }
        return SAMRunLengthMask(height: mask.height, width: mask.width, columnRuns: runs)
    }

    /// `postprocess_small_regions`: cleans every mask, then runs box NMS again, preferring masks that
    /// needed no cleaning; kept masks take their cleaned shape, box and area. Order: the NMS order.
    static func postprocess(_ masks: [SAMGeneratedMask], minArea: Int, nmsThreshold: Double) -> [SAMGeneratedMask] {
        let results = masks.map { cleaned($0.segmentation, minArea: minArea) }
        let boxes = zip(masks, results).map { mask, new in new?.box ?? mask.box }
        let kept = samBoxNMS(boxes: boxes, scores: results.map { $0 == nil ? 1 : 0 }, threshold: nmsThreshold)
        return kept.map { index in
            var mask = masks[index]
            if let new = results[index] {
                mask.segmentation = new
                mask.box = boxes[index]
                mask.area = new.area
            }
            return mask
        }
    }

    /// The 8-connected regions of the runs of one value.
    private struct Regions {
        /// Region of each run (runs of the other value: -1), numbered in OpenCV's label order.
        var label: [Int]
        var sizes: [Int]
        /// The largest region, the first in label order among equals (`np.argmax`).
        var largest: Int

        init(runs: [SAMColumnRun], value: Bool) {
            var sets = DisjointSets(count: runs.count)
            // Join runs of `value` in neighbouring columns whose rows touch (diagonally included). Two
            // runs of one value in a column are at least a pixel apart, so a sweep meets every pair.
            var columns: [[Int]] = []
            for (index, run) in runs.enumerated() where run.isSet == value {
                while columns.count <= run.column { columns.append([]) }
                columns[run.column].append(index)
            }
            for (left, right) in zip(columns, columns.dropFirst()) {
                var i = 0, j = 0
                while i < left.count, j < right.count {
                    let a = runs[left[i]], b = runs[right[j]]
                    if b.start <= a.end, a.start <= b.end { sets.join(left[i], right[j]) }
                    if a.end <= b.end { i += 1 } else { j += 1 }
                }
            }
            // OpenCV labels regions in the order its 2 × 2 block scan first meets them.
            var firstBlock: [Int: (Int, Int)] = [:], regionSize: [Int: Int] = [:]
            for (index, run) in runs.enumerated() where run.isSet == value {
                let r = sets.root(index), block = (run.start / 2, run.column / 2)
                if let seen = firstBlock[r] { if block < seen { firstBlock[r] = block } } else { firstBlock[r] = block }
                regionSize[r, default: 0] += run.length
            }
            let roots = firstBlock.keys.sorted { firstBlock[$0]! < firstBlock[$1]! }
            let number = Dictionary(uniqueKeysWithValues: roots.enumerated().map { ($1, $0) })
            label = runs.indices.map { runs[$0].isSet == value ? number[sets.root($0)]! : -1 }
            let sizes = roots.map { regionSize[$0]! }
            self.sizes = sizes
            largest = sizes.indices.max { sizes[$0] < sizes[$1] || (sizes[$0] == sizes[$1] && $0 > $1) } ?? 0
        }
    }
}
