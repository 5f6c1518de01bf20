import GlimpseImage

extension PixelBox {
    /// Intersection over union with `other` (0 when either box is empty).
    public func intersectionOverUnion(_ other: PixelBox) -> Double {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        guard right > left, bottom > top, width > 0, height > 0, other.width > 0, other.height > 0 else { return 0 }
        let inter = Double(right - left) * Double(bottom - top)
        return inter / (Double(area) + Double(other.area) - inter)
    }

    /// The box as a GlimpseImage rectangle.
    public var rect: PixelRect { PixelRect(x: x, y: y, width: width, height: height) }
}

/// The geometric steps of the pipeline, before any model looks at a crop: area threshold, ordering,
/// duplicate merging and the cap.
struct RegionPlan: Sendable, Hashable {
    /// Every region above the area threshold, largest and most stable first, with its status so far:
    /// `mergedDuplicate`, `overCap`, or `kept` for the regions that go on to cropping.
    var regions: [DescribedRegion]
    /// How many proposals were below the area threshold (not listed in ``regions``).
    var smallCount: Int

    /// Indices into ``regions`` of the regions that go on to cropping, in order.
    var active: [Int] { regions.indices.filter { regions[$0].status == .kept } }

    /// Plans the regions of an image of `imageSize` from the segmenter's `proposals`.
    ///
    /// 1. keep the proposals whose mask area is at least `image area / areaPartition` (and whose box
    ///    is not empty);
    /// 2. order them by mask area, then stability, then predicted IoU (larger first), then position;
    /// 3. walk that order: a box whose IoU with an earlier unmerged box is at least `mergeIoU` is a
    ///    `mergedDuplicate`;
    /// 4. the first `maxRegions` unmerged boxes go on; the others are `overCap`.
    init(proposals: [ProposedRegion], imageSize: PixelSize, options: DescribeOptions) {
        let minimum = Double(imageSize.width) * Double(imageSize.height) / Double(max(options.areaPartition, 1))
        let large = proposals.filter { Double($0.area) >= minimum && $0.box.width > 0 && $0.box.height > 0 }
        smallCount = proposals.count - large.count
        let ordered = large.sorted(by: Self.comesFirst)
        var regions: [DescribedRegion] = []
        var unmerged: [PixelBox] = []
        for proposal in ordered {
            let duplicate = unmerged.contains { $0.intersectionOverUnion(proposal.box) >= options.mergeIoU }
            let status: RegionStatus
            if duplicate {
                status = .mergedDuplicate
            } else {
                status = unmerged.count < options.maxRegions ? .kept : .overCap
                unmerged.append(proposal.box)
            }
            regions.append(DescribedRegion(box: proposal.box, area: proposal.area, stability: proposal.stability, status: status))
        }
        self.regions = regions
    }

    /// Larger mask area first, then higher stability, then higher predicted IoU, then top-left first.
    static func comesFirst(_ a: ProposedRegion, _ b: ProposedRegion) -> Bool {
        if a.area != b.area { return a.area > b.area }
        if a.stability != b.stability { return a.stability > b.stability }
        if a.predictedIoU != b.predictedIoU { return a.predictedIoU > b.predictedIoU }
        let ka = [a.box.y, a.box.x, a.box.height, a.box.width], kb = [b.box.y, b.box.x, b.box.height, b.box.width]
        return ka.lexicographicallyPrecedes(kb)
    }
}
