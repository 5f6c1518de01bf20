import Foundation
import Testing
import GlimpseImage
import GlimpseRuntime
@testable import GlimpseModels

/// `reference_amg_segment_anything.json`: segment-anything's SamAutomaticMaskGenerator on the tiny model
/// (crop layers, small-region removal) and its `remove_small_regions` on random masks.
private struct SegmentAnythingReference: Decodable {
    struct Options: Decodable {
        let points_per_side: Int
        let points_per_batch: Int
        let pred_iou_thresh: Float
        let stability_score_thresh: Float
        let stability_score_offset: Float
        let box_nms_thresh: Double
        let crop_n_layers: Int
        let crop_nms_thresh: Double
        let crop_n_points_downscale_factor: Int
        let min_mask_region_area: Int
        let mask_threshold: Float
    }
    struct Mask: Decodable {
        let box_xyxy: [Int]
        let crop_box_xyxy: [Int]
        let area: Int
        let predicted_iou: Float
        let stability_score: Float
        let rle_counts: [Int]
        let rle_size: [Int]
    }
    struct Run: Decodable {
        let options: Options
        let masks: [Mask]
    }
    struct SmallRegionCase: Decodable {
        let size: [Int]
        let min_area: Int
        let mask: [Int]
        let holes_filled: [Int]
        let holes_changed: Bool
        let islands_removed: [Int]
        let islands_changed: Bool
    }
    let image: String
    let runs: [Run]
    let small_regions: [SmallRegionCase]

    static let folder = Bundle.module.url(forResource: "Fixtures/tiny-sam", withExtension: nil)

    static func load() throws -> SegmentAnythingReference {
        let folder = try #require(folder)
        return try JSONDecoder().decode(Self.self, from: Data(contentsOf: folder.appending(path: "reference_amg_segment_anything.json")))
    }
}

@Suite("SAM crop layers and small regions")
struct SAMCropAndRegionTests {
    /// Runs: 0 one crop layer; 1 crops with fewer points in layer 1 and small regions removed; 2 the whole
    /// image with small regions removed.
    @Test("crop layers and small-region removal give segment-anything's masks, boxes, areas and scores (also in SAM's low-memory pieces)",
          arguments: [(0, SAMMemoryUse.fastest), (1, .fastest), (2, .fastest), (0, .low), (1, .low)])
    func matchesSegmentAnything(number: Int, memory: SAMMemoryUse) throws {
        let reference = try SegmentAnythingReference.load()
        let folder = try #require(SegmentAnythingReference.folder)
        let segmenter = try SAMSegmenter(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1),
                                         memory: memory)
        let image = try ImageDecoder.decode(contentsOf: folder.appending(path: reference.image))
        #expect(reference.runs.count == 3)
        let fromCrops = reference.runs[number].masks.filter { $0.crop_box_xyxy != [0, 0, image.width, image.height] }
        #expect(number == 2 ? fromCrops.isEmpty : !fromCrops.isEmpty, "the crop runs keep masks found in crops")
        let run = reference.runs[number]
        let o = run.options
        var options = SAMMaskGenerationOptions()
        options.pointsPerSide = o.points_per_side
        options.pointsPerBatch = o.points_per_batch
        options.predictedIoUThreshold = o.pred_iou_thresh
        options.stabilityScoreThreshold = o.stability_score_thresh
        options.stabilityScoreOffset = o.stability_score_offset
        options.boxNMSThreshold = o.box_nms_thresh
        options.cropLayers = o.crop_n_layers
        options.cropNMSThreshold = o.crop_nms_thresh
        options.cropPointsDownscaleFactor = o.crop_n_points_downscale_factor
        options.minRegionArea = o.min_mask_region_area
        options.maskThreshold = o.mask_threshold
        let masks = try segmenter.segment(image, options: options)
        try #require(masks.count == run.masks.count, "run \(number)")
        for (mask, expected) in zip(masks, run.masks) {
            #expect([mask.box.x0, mask.box.y0, mask.box.x1, mask.box.y1] == expected.box_xyxy, "run \(number)")
            #expect(mask.area == expected.area, "run \(number)")
            #expect(abs(mask.predictedIoU - expected.predicted_iou) < 1e-4, "run \(number)")
            #expect(abs(mask.stabilityScore - expected.stability_score) < 1e-6, "run \(number)")
            #expect([mask.segmentation.height, mask.segmentation.width] == expected.rle_size)
            #expect(mask.segmentation.counts == expected.rle_counts, "run \(number)")
        }
    }

    @Test("holes and islands are removed as OpenCV's 8-connected components decide, ties included")
    func smallRegions() throws {
        let cases = try SegmentAnythingReference.load().small_regions
        #expect(cases.count == 53)
        #expect(cases.contains { $0.holes_changed } && cases.contains { !$0.islands_changed })
        for (number, example) in cases.enumerated() {
            let (height, width) = (example.size[0], example.size[1])
            let mask = SAMRunLengthMask(height: height, width: width, counts: example.mask)
            let filled = SAMSmallRegions.edited(mask, minArea: example.min_area, holes: true)
            #expect((filled != nil) == example.holes_changed, "case \(number)")
            let afterHoles = filled ?? mask
            #expect(afterHoles.counts == example.holes_filled, "case \(number)")
            let removed = SAMSmallRegions.edited(afterHoles, minArea: example.min_area, holes: false)
            #expect((removed != nil) == example.islands_changed, "case \(number)")
            #expect((removed ?? afterHoles).counts == example.islands_removed, "case \(number)")
            let both = SAMSmallRegions.cleaned(mask, minArea: example.min_area)
            #expect((both ?? mask).counts == example.islands_removed, "case \(number)")
            #expect((both == nil) == (!example.holes_changed && !example.islands_changed), "case \(number)")
        }
    }

    @Test("crop boxes: the whole image, then 2 × 2 overlapping crops, columns outermost")
    func cropBoxes() {
        // 320 × 200: overlap int(512 / 1500 · 200) = 68; crops ceil((68 + 320) / 2) = 194 by ceil((68 + 200) / 2) = 134.
        let boxes = SAMCropBox.boxes(height: 200, width: 320, layers: 1, overlapRatio: 512.0 / 1500.0)
        #expect(boxes.map { [$0.x0, $0.y0, $0.x1, $0.y1, $0.layer] } == [
            [0, 0, 320, 200, 0], [0, 0, 194, 134, 1], [0, 66, 194, 200, 1], [126, 0, 320, 134, 1], [126, 66, 320, 200, 1],
        ])
        #expect(SAMCropBox.boxes(height: 200, width: 320, layers: 0, overlapRatio: 0.3).count == 1)
        #expect(SAMCropBox.boxes(height: 200, width: 320, layers: 2, overlapRatio: 0.3).count == 1 + 4 + 16)
        // A 1 × 3 image: crops of layer 1 one pixel wide; the ones past the last column are left out.
        let thin = SAMCropBox.boxes(height: 3, width: 1, layers: 1, overlapRatio: 512.0 / 1500.0)
        #expect(thin.allSatisfy { $0.width > 0 && $0.height > 0 && $0.x1 <= 1 && $0.y1 <= 3 })
        #expect(thin.count == 3)
    }

    @Test("a picture a few pixels wide is segmented with crop layers without an error")
    func tinyPicture() throws {
        let folder = try #require(SegmentAnythingReference.folder)
        let segmenter = try SAMSegmenter(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        var options = SAMMaskGenerationOptions()
        options.cropLayers = 1
        options.pointsPerSide = 2
        options.minRegionArea = 2
        let picture = try RGBImage(width: 1, height: 3, pixels: [UInt8](repeating: 128, count: 9))
        for mask in try segmenter.segment(picture, options: options) {
            #expect(mask.segmentation.width == 1 && mask.segmentation.height == 3)
        }
    }

    @Test("a box near an inner edge of its crop is dropped; near an edge of the image it is not")
    func innerEdges() {
        let crop = SAMCropBox(x0: 126, y0: 0, x1: 320, y1: 134, layer: 1)
        // In crop pixels; the crop's left edge (x 126) and bottom edge (y 134) are inside the image.
        #expect(crop.touchesInnerEdge(SAMPixelBox(x0: 20, y0: 50, x1: 60, y1: 90), imageWidth: 320, imageHeight: 200))
        #expect(!crop.touchesInnerEdge(SAMPixelBox(x0: 21, y0: 50, x1: 60, y1: 90), imageWidth: 320, imageHeight: 200))
        #expect(crop.touchesInnerEdge(SAMPixelBox(x0: 40, y0: 50, x1: 60, y1: 114), imageWidth: 320, imageHeight: 200))
        #expect(!crop.touchesInnerEdge(SAMPixelBox(x0: 40, y0: 0, x1: 193, y1: 90), imageWidth: 320, imageHeight: 200))
    }

    @Test("a crop's mask padded into the image decodes to the same pixels, moved")
    func padding() {
        let pixels: [Bool] = [true, false, true, true, false, true, false, false, true, true, true, false]  // 3 × 4, row-major
        let logits = pixels.map { Float($0 ? 1 : -1) }
        let mask = logits.withUnsafeBufferPointer { SAMRunLengthMask(logits: $0, height: 3, width: 4, threshold: 0) }
        let padded = mask.padded(left: 2, top: 1, height: 6, width: 7)
        var expected = [Bool](repeating: false, count: 42)
        for y in 0..<3 { for x in 0..<4 { expected[(y + 1) * 7 + x + 2] = pixels[y * 4 + x] } }
        #expect(padded.decoded() == expected)
        #expect(padded.area == 7 && mask.area == 7)
        #expect(padded.box == SAMPixelBox(x0: 2, y0: 1, x1: 5, y1: 3))
        #expect(mask.padded(left: 0, top: 0, height: 3, width: 4) == mask)
        let empty = SAMRunLengthMask(height: 3, width: 4, counts: [12])
        #expect(empty.padded(left: 1, top: 1, height: 5, width: 6).counts == [30])
        #expect(empty.box == SAMPixelBox(x0: 0, y0: 0, x1: 0, y1: 0))
    }

    @Test("mask generation from an embedding refuses crop layers, which need the picture")
    func cropsNeedPicture() throws {
        let fixture = try SAMFixture()
        var options = SAMMaskGenerationOptions()
        options.cropLayers = 1
        let geometry = SAMImageGeometry(originalHeight: 37, originalWidth: 45, inputSize: 64)
        let embedding = try fixture.model.imageEmbedding(pixelValues: fixture.floats("processor_pixel_values"))
        #expect(throws: SAMError.cropsNeedPicture) {
            try fixture.model.generateMasks(embedding: embedding, geometry: geometry, options: options)
        }
    }
}
