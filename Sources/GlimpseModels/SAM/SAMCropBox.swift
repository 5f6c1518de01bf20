/// One crop of automatic mask generation: a box of the original image (`x1`, `y1` excluded) that is
/// embedded and prompted on its own, and the crop layer it belongs to (0: the whole image).
public struct SAMCropBox: Sendable, Hashable {
    public var x0: Int, y0: Int, x1: Int, y1: Int
    public var layer: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int, layer: Int) {
        (self.x0, self.y0, self.x1, self.y1, self.layer) = (x0, y0, x1, y1, layer)
    }

    public var width: Int { x1 - x0 }
    public var height: Int { y1 - y0 }

    /// The whole image followed by the crops of layers 1…`layers`, as segment-anything's
    /// `generate_crop_boxes`: layer `i` has `2^i × 2^i` crops of equal size that overlap by
    /// `overlapRatio` of the image's short side (scaled down by `2 / 2^i`), columns outermost. Crops
    /// that would be empty (images a few pixels wide) are left out.
    public static func boxes(height: Int, width: Int, layers: Int, overlapRatio: Double) -> [SAMCropBox] {
        var boxes = [SAMCropBox(x0: 0, y0: 0, x1: width, y1: height, layer: 0)]
        guard layers > 0 else { return boxes }
        let shortSide = Double(min(height, width))
        for layer in 1...layers {
            let perSide = 1 << layer
            let overlap = Int(overlapRatio * shortSide * (2 / Double(perSide)))
            func length(_ side: Int) -> Int { Int((Double(overlap * (perSide - 1) + side) / Double(perSide)).rounded(.up)) }
            let cropWidth = length(width), cropHeight = length(height)
            for column in 0..<perSide {
                for row in 0..<perSide {
                    let x0 = (cropWidth - overlap) * column, y0 = (cropHeight - overlap) * row
                    let box = SAMCropBox(x0: x0, y0: y0, x1: min(x0 + cropWidth, width), y1: min(y0 + cropHeight, height), layer: layer)
                    if box.width > 0, box.height > 0 { boxes.append(box) }
                }
            }
        }
        return boxes
    }

    /// Whether `box` (in this crop's pixels) lies within `tolerance` pixels of an edge of the crop that
    /// is not an edge of the `imageWidth × imageHeight` image (`is_box_near_crop_edge`): such a mask is
    /// probably cut by the crop, and a larger crop sees it whole.
    func touchesInnerEdge(_ box: SAMPixelBox, imageWidth: Int, imageHeight: Int, tolerance: Int = 20) -> Bool {
        let moved = [box.x0 + x0, box.y0 + y0, box.x1 + x0, box.y1 + y0]
        let crop = [x0, y0, x1, y1], image = [0, 0, imageWidth, imageHeight]
        return (0..<4).contains { abs(moved[$0] - crop[$0]) <= tolerance && abs(moved[$0] - image[$0]) > tolerance }
    }
}
