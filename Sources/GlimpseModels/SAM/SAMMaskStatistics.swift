/// A box in pixels of the original image, corners included (`x1`, `y1` are the last covered column and
/// row, as transformers' `_batched_mask_to_box` reports them); an empty mask has the box `0, 0, 0, 0`.
public struct SAMPixelBox: Sendable, Hashable {
    public var x0: Int, y0: Int, x1: Int, y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }

    /// `(x1 − x0) · (y1 − y0)`, the area torchvision's NMS uses.
    var nmsArea: Float { Float(x1 - x0) * Float(y1 - y0) }
}

/// A binary mask as COCO run lengths: column-major (Fortran order), alternating runs of 0 and 1,
/// starting with 0 (a leading run of length 0 when the first pixel is set), as transformers'
/// `_mask_to_rle_pytorch` and pycocotools write them.
public struct SAMRunLengthMask: Sendable, Hashable {
    public var height: Int
    public var width: Int
    public var counts: [Int]

    public init(height: Int, width: Int, counts: [Int]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// Encodes the mask `logits > threshold` of row-major `height × width` logits.
    init(logits: UnsafeBufferPointer<Float>, height: Int, width: Int, threshold: Float) {
        var counts: [Int] = []
        var current = false, run = 0
        for x in 0..<width {
            for y in 0..<height {
                if (logits[y * width + x] > threshold) == current {
                    run += 1
                } else {
                    counts.append(run)
                    current.toggle()
                    run = 1
                }
            }
        }
        counts.append(run)
        self.init(height: height, width: width, counts: counts)
    }

    /// The mask, row-major `height × width`.
    public func decoded() -> [Bool] {
        var mask = [Bool](repeating: false, count: height * width)
        var position = 0, value = false
        for count in counts {
            if value {
                for index in position..<(position + count) {
                    mask[(index % height) * width + index / height] = true
                }
            }
            position += count
            value.toggle()
        }
        return mask
    }
}

/// The statistics of one mask that automatic mask generation filters and reports.
struct SAMMaskStatistics {
    var area: Int
    var box: SAMPixelBox

    /// `count(logit > threshold + offset) / count(logit > threshold − offset)` (NaN when both are 0),
    /// as `_compute_stability_score_pt`.
    static func stability(_ logits: UnsafeBufferPointer<Float>, threshold: Float, offset: Float) -> Float {
        var inner = 0, outer = 0
        let high = threshold + offset, low = threshold - offset
        for value in logits {
            if value > high { inner += 1 }
            if value > low { outer += 1 }
        }
        return Float(inner) / Float(outer)
    }

    /// Area and box of the mask `logits > threshold` (`height × width`, row-major).
    init(logits: UnsafeBufferPointer<Float>, height: Int, width: Int, threshold: Float) {
        var area = 0, x0 = width, y0 = height, x1 = -1, y1 = -1
        for y in 0..<height {
            for x in 0..<width where logits[y * width + x] > threshold {
                area += 1
                x0 = min(x0, x); x1 = max(x1, x)
                y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        self.area = area
        box = area == 0 ? SAMPixelBox(x0: 0, y0: 0, x1: 0, y1: 0) : SAMPixelBox(x0: x0, y0: y0, x1: x1, y1: y1)
    }
}

/// Greedy box non-maximum suppression, as `torchvision.ops.batched_nms` with one class: boxes in
/// decreasing score order are kept unless their IoU with an already kept box exceeds `threshold`.
///
/// IoU is computed in float32 and compared with the threshold in double, as torchvision's CPU kernel does.
///
/// - Returns: the indices kept, best score first.
func samBoxNMS(boxes: [SAMPixelBox], scores: [Float], threshold: Double) -> [Int] {
    let order = boxes.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    var kept: [Int] = []
    for candidate in order {
        let a = boxes[candidate]
        let suppressed = kept.contains { index in
            let b = boxes[index]
            let width = max(0, min(a.x1, b.x1) - max(a.x0, b.x0))
            let height = max(0, min(a.y1, b.y1) - max(a.y0, b.y0))
            let intersection = Float(width * height)
            let iou = intersection / (a.nmsArea + b.nmsArea - intersection)
            return Double(iou) > threshold
        }
        if !suppressed { kept.append(candidate) }
    }
    return kept
}
