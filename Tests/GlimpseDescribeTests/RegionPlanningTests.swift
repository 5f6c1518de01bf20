import Testing
@testable import GlimpseDescribe
import GlimpseImage

@Suite("Describe pipeline: regions")
struct RegionPlanningTests {
    private let size = PixelSize(width: 320, height: 240)  // area 76 800; / 64 = 1 200

    private func proposal(_ x: Int, _ y: Int, _ w: Int, _ h: Int, area: Int? = nil, stability: Float = 0.97,
                          iou: Float = 0.9) -> ProposedRegion {
        ProposedRegion(box: PixelBox(x: x, y: y, width: w, height: h), area: area ?? w * h, stability: stability, predictedIoU: iou)
    }

    @Test("keeps masks whose area is at least image area / 64 and counts the others")
    func areaThreshold() {
        let proposals = [proposal(0, 0, 40, 40, area: 1_200), proposal(100, 100, 40, 40, area: 1_199), proposal(200, 0, 10, 10)]
        let plan = RegionPlan(proposals: proposals, imageSize: size, options: DescribeOptions())
        #expect(plan.regions.map(\.area) == [1_200])
        #expect(plan.smallCount == 2)
        var options = DescribeOptions()
        options.areaPartition = 1_000  // threshold 76.8 pixels
        let finer = RegionPlan(proposals: proposals, imageSize: size, options: options)
        #expect(finer.regions.map(\.area) == [1_200, 1_199, 100])
        #expect(finer.smallCount == 0)
    }

    @Test("SAM's region grid puts at least 2 × 2 prompts in any square region large enough to keep")
    func regionGrid() {
        #expect(DescribeOptions().regionPointsPerSide == 16)
        var options = DescribeOptions()
        for partition in [1, 2, 10, 64, 100, 333, 1_000] {
            options.areaPartition = partition
            let n = options.regionPointsPerSide
            let side = 1 / Double(partition).squareRoot()  // the smallest square kept, as a fraction of the image
            // Grid points sit at (i + ½) / n; any interval of length `side` holds at least ⌊side·n⌋ of them.
            for step in 0...50 {
                let start = (1 - side) * Double(step) / 50
                let inside = (0..<n).filter { i in
                    let point = (Double(i) + 0.5) / Double(n)
                    return point >= start && point <= start + side
                }
                #expect(inside.count >= 2, "partition \(partition), grid \(n), start \(start)")
            }
        }
    }

    @Test("the threshold uses the mask area, not the box area")
    func maskArea() {
        let plan = RegionPlan(proposals: [proposal(0, 0, 100, 100, area: 500)], imageSize: size, options: DescribeOptions())
        #expect(plan.regions.isEmpty)
        #expect(plan.smallCount == 1)
    }

    @Test("boxes with IoU ≥ 0.8 against a larger box are merged duplicates; 0.8 is configurable")
    func merging() {
        // B inside A: IoU = 80 × 50 / (100 × 50) = 0.8 exactly. C: IoU with A = 3 500 / 5 000 = 0.7.
        let a = proposal(0, 0, 100, 50), b = proposal(0, 0, 80, 50), c = proposal(0, 0, 70, 50)
        let plan = RegionPlan(proposals: [c, b, a], imageSize: size, options: DescribeOptions())
        #expect(plan.regions.map(\.box.width) == [100, 80, 70])
        #expect(plan.regions.map(\.status) == [.kept, .mergedDuplicate, .kept])
        var options = DescribeOptions()
        options.mergeIoU = 0.7
        #expect(RegionPlan(proposals: [c, b, a], imageSize: size, options: options).regions.map(\.status)
                == [.kept, .mergedDuplicate, .mergedDuplicate])
        options.mergeIoU = 0.9  // C against B: 3 500 / 4 000 = 0.875
        #expect(RegionPlan(proposals: [c, b, a], imageSize: size, options: options).regions.map(\.status) == [.kept, .kept, .kept])
    }

    @Test("a box is compared with the unmerged boxes only")
    func mergeChain() {
        // B duplicates A (IoU 0.9); C would duplicate B (IoU 0.83) but not A (IoU 0.75): C stays.
        let a = proposal(0, 0, 100, 50), b = proposal(0, 0, 90, 50), c = proposal(0, 0, 75, 50)
        #expect(b.box.intersectionOverUnion(c.box) > 0.8)
        #expect(abs(a.box.intersectionOverUnion(c.box) - 0.75) < 1e-9)
        let plan = RegionPlan(proposals: [a, b, c], imageSize: size, options: DescribeOptions())
        #expect(plan.regions.map(\.status) == [.kept, .mergedDuplicate, .kept])
    }

    @Test("at most 12 regions go on, largest first; the rest are over the cap")
    func cap() {
        let proposals = (0..<15).map { proposal(($0 % 5) * 64, ($0 / 5) * 80, 40 + $0, 40) }
        let plan = RegionPlan(proposals: proposals, imageSize: size, options: DescribeOptions())
        #expect(plan.regions.count == 15)
        #expect(plan.regions.map(\.box.width) == (40..<55).reversed().map { $0 })
        #expect(plan.regions.prefix(12).allSatisfy { $0.status == .kept })
        #expect(plan.regions.suffix(3).allSatisfy { $0.status == .overCap })
        #expect(plan.active == Array(0..<12))
        var options = DescribeOptions()
        options.maxRegions = 4
        #expect(RegionPlan(proposals: proposals, imageSize: size, options: options).active == [0, 1, 2, 3])
        options.maxRegions = 0
        #expect(RegionPlan(proposals: proposals, imageSize: size, options: options).active.isEmpty)
    }

    @Test("merged duplicates do not use up the cap")
    func capAfterMerging() {
        var options = DescribeOptions()
        options.maxRegions = 2
        let a = proposal(0, 0, 100, 50), b = proposal(0, 0, 95, 50), c = proposal(150, 100, 60, 60)
        let plan = RegionPlan(proposals: [a, b, c], imageSize: size, options: options)
        #expect(plan.regions.map(\.status) == [.kept, .mergedDuplicate, .kept])
    }

    @Test("equal areas: the more stable region comes first, then the one with the higher predicted IoU")
    func ordering() {
        let low = proposal(0, 0, 40, 40, stability: 0.95), high = proposal(200, 0, 40, 40, stability: 0.99)
        let best = proposal(100, 100, 40, 40, stability: 0.99, iou: 0.95)
        let plan = RegionPlan(proposals: [low, high, best], imageSize: size, options: DescribeOptions())
        #expect(plan.regions.map(\.box.x) == [100, 200, 0])
        #expect(plan.regions.map(\.stability) == [0.99, 0.99, 0.95])
        // The order does not depend on the order of the proposals.
        let shuffled = RegionPlan(proposals: [best, low, high], imageSize: size, options: DescribeOptions())
        #expect(shuffled.regions == plan.regions)
    }

    @Test("IoU of boxes")
    func intersectionOverUnion() {
        let a = PixelBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersectionOverUnion(a) == 1)
        #expect(a.intersectionOverUnion(PixelBox(x: 10, y: 0, width: 10, height: 10)) == 0)
        #expect(abs(a.intersectionOverUnion(PixelBox(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150.0) < 1e-12)
        #expect(a.intersectionOverUnion(PixelBox(x: 0, y: 0, width: 0, height: 10)) == 0)
    }
}
