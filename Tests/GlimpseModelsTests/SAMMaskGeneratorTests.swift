import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// `reference_amg.json`: transformers' mask-generation pipeline on the tiny model.
private struct MaskGenerationReference: Decodable {
    struct Options: Decodable {
        let points_per_crop: Int
        let points_per_batch: Int
        let pred_iou_thresh: Float
        let stability_score_thresh: Float
        let stability_score_offset: Float
        let mask_threshold: Float
    }
    struct Mask: Decodable {
        let predicted_iou: Float
        let box_xyxy: [Int]
        let area: Int
        let rle_counts: [Int]
        let rle_size: [Int]
    }
    struct Run: Decodable {
        let crops_nms_thresh: Double
        let masks: [Mask]
    }
    let options: Options
    let runs: [Run]
}

@Suite("SAM automatic mask generation")
struct SAMMaskGeneratorTests {
    @Test("kept boxes, areas, scores and RLE masks equal transformers' mask-generation pipeline")
    func matchesPipeline() throws {
        let fixture = try SAMFixture()
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/tiny-sam", withExtension: nil))
        let reference = try JSONDecoder().decode(MaskGenerationReference.self, from: Data(contentsOf: folder.appending(path: "reference_amg.json")))
        let original = try fixture.reference.int64s("processor_original_sizes")
        let resized = try fixture.reference.int64s("processor_reshaped_input_sizes")
        let geometry = SAMImageGeometry(originalHeight: Int(original[0]), originalWidth: Int(original[1]), inputSize: 64)
        #expect(geometry.resizedHeight == Int(resized[0]) && geometry.resizedWidth == Int(resized[1]))
        let embedding = try fixture.model.imageEmbedding(pixelValues: fixture.floats("processor_pixel_values"))
        var options = SAMMaskGenerationOptions()
        options.pointsPerSide = reference.options.points_per_crop
        options.pointsPerBatch = 7  // not the reference's 12: batching must not change the result
        options.predictedIoUThreshold = reference.options.pred_iou_thresh
        options.stabilityScoreThreshold = reference.options.stability_score_thresh
        options.stabilityScoreOffset = reference.options.stability_score_offset
        options.maskThreshold = reference.options.mask_threshold
        #expect(reference.runs.count == 2)
        for run in reference.runs {
            options.boxNMSThreshold = run.crops_nms_thresh
            let masks = try fixture.model.generateMasks(embedding: embedding, geometry: geometry, options: options)
            try #require(masks.count == run.masks.count, "NMS \(run.crops_nms_thresh)")
            for (mask, expected) in zip(masks, run.masks) {
                #expect(abs(mask.predictedIoU - expected.predicted_iou) < 1e-4)
                #expect([mask.box.x0, mask.box.y0, mask.box.x1, mask.box.y1] == expected.box_xyxy)
                #expect(mask.area == expected.area)
                #expect([mask.segmentation.height, mask.segmentation.width] == expected.rle_size)
                #expect(mask.segmentation.counts == expected.rle_counts)
                #expect(mask.stabilityScore > options.stabilityScoreThreshold)
            }
        }
    }

    @Test("mask generation upscales only prompts with a mask above the IoU threshold, and those exactly as the whole decoder")
    func upscalesPassingPromptsOnly() throws {
        let fixture = try SAMFixture()
        let embedding = try fixture.model.imageEmbedding(pixelValues: fixture.floats("processor_pixel_values"))
        let geometry = SAMImageGeometry(originalHeight: 37, originalWidth: 45, inputSize: 64)
        let points = SAMModel.gridPoints(pointsPerSide: 5, geometry: geometry)
        let whole = try fixture.model.masks(for: embedding, points: points.map { [$0] }, multimask: true)
        let scores = try whole.iouScores.floats(), logits = try whole.logits.floats()
        let best = (0..<points.count).map { scores[(3 * $0)..<(3 * $0 + 3)].max()! }
        let threshold = best.sorted()[points.count / 2]  // about half the prompts pass
        let (passing, prompts) = try fixture.model.multimaskPassing(iouThreshold: threshold, for: embedding, points: points)
        #expect(prompts == (0..<points.count).filter { best[$0] > threshold })
        #expect(!prompts.isEmpty && prompts.count < points.count)
        let plane = 3 * whole.side * whole.side
        let expected = prompts.flatMap { logits[($0 * plane)..<(($0 + 1) * plane)] }
        #expect(passing.logits.shape == [prompts.count, 3, whole.side, whole.side])
        #expect(maxAbsoluteDifference(try passing.logits.floats(), expected) < 1e-5)
        #expect(try passing.iouScores.floats() == prompts.flatMap { scores[(3 * $0)..<(3 * $0 + 3)] })
        // No threshold: every prompt, upscaled in more than one run; a threshold no mask reaches: none,
        // and no upscaling to run.
        let all = try fixture.model.multimaskPassing(iouThreshold: 0, for: embedding, points: points)
        #expect(all.prompts == Array(points.indices) && points.count > SAMModel.upscalingRunSize)
        #expect(maxAbsoluteDifference(try all.masks.logits.floats(), logits) < 1e-5)
        // The transformer in runs of a few prompts: the same prompts, masks and scores.
        let inRuns = try fixture.model.multimaskPassing(iouThreshold: threshold, for: embedding, points: points, runSize: 4)
        #expect(inRuns.prompts == prompts && (prompts.last ?? 0) >= 4)
        #expect(maxAbsoluteDifference(try inRuns.masks.logits.floats(), try passing.logits.floats()) < 1e-5)
        #expect(try inRuns.masks.iouScores.floats() == passing.iouScores.floats())
        let none = try fixture.model.multimaskPassing(iouThreshold: best.max()! + 1, for: embedding, points: points)
        #expect(none.prompts.isEmpty && none.masks.logits.shape == [0, 3, whole.side, whole.side])
    }

    @Test("the point grid is numpy's linspace of cell centres, scaled to the resized image")
    func grid() {
        let geometry = SAMImageGeometry(originalHeight: 37, originalWidth: 45, inputSize: 64)
        #expect(geometry.resizedHeight == 53 && geometry.resizedWidth == 64)
        let points = SAMModel.gridPoints(pointsPerSide: 2, geometry: geometry)
        #expect(points.count == 4)
        #expect(points.map(\.x) == [16, 48, 16, 48])
        #expect(points.map(\.y) == [13.25, 13.25, 39.75, 39.75])
    }

    @Test("run-length encoding is column-major, starts with zeros and round-trips")
    func runLengths() {
        // 2 × 3, row-major: [1 0 1; 1 1 0] → column-major 1 1 0 1 1 0
        let logits: [Float] = [1, -1, 1, 1, 1, -1]
        let rle = logits.withUnsafeBufferPointer { SAMRunLengthMask(logits: $0, height: 2, width: 3, threshold: 0) }
        #expect(rle.counts == [0, 2, 1, 2, 1])
        #expect(rle.decoded() == logits.map { $0 > 0 })
        let empty = [Float](repeating: -1, count: 6).withUnsafeBufferPointer { SAMRunLengthMask(logits: $0, height: 2, width: 3, threshold: 0) }
        #expect(empty.counts == [6])
    }

    @Test("box NMS keeps the best of overlapping boxes and distinct ones")
    func nms() {
        let boxes = [SAMPixelBox(x0: 0, y0: 0, x1: 10, y1: 10), SAMPixelBox(x0: 1, y0: 1, x1: 10, y1: 10),
                     SAMPixelBox(x0: 20, y0: 20, x1: 30, y1: 30), SAMPixelBox(x0: 0, y0: 0, x1: 10, y1: 20)]
        // IoU(1, 0) = 81 / 100 > 0.7; IoU(1, 3) = 81 / 200 = 0.405; box 2 overlaps nothing.
        #expect(samBoxNMS(boxes: boxes, scores: [0.5, 0.9, 0.7, 0.6], threshold: 0.7) == [1, 2, 3])
        #expect(samBoxNMS(boxes: boxes, scores: [0.5, 0.9, 0.7, 0.6], threshold: 0.4) == [1, 2])
    }

    @Test("stability score counts logits above threshold ± offset")
    func stability() {
        let logits: [Float] = [2, 0.5, -0.5, -2]
        #expect(logits.withUnsafeBufferPointer { SAMMaskStatistics.stability($0, threshold: 0, offset: 1) } == Float(1) / Float(3))
    }

    @Test("bilinear resizing matches PyTorch's align_corners=False on a small case")
    func resize() {
        // F.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), (4, 4), mode="bilinear", align_corners=False)
        let source: [Float] = [0, 1, 2, 3]
        let out = source.withUnsafeBufferPointer {
            SAMMaskResize.resize($0, height: 2, width: 2, targetHeight: 4, targetWidth: 4, outputHeight: 4, outputWidth: 4)
        }
        #expect(out == [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3])
    }
}

@Suite("SAM mask measurement at low resolution")
struct SAMMaskMeasurerTests {
    /// Smooth logits with blobs and steep edges, `side × side`.
    private func logits(side: Int, seed: Int) -> [Float] {
        (0..<(side * side)).map { index in
            let x = Double(index % side) / Double(side), y = Double(index / side) / Double(side)
            let s = Double(seed)
            return Float(6 * sin(7 * x + s) * cos(5 * y - s) + 3 * sin(13 * x * y + s) - 1.5)
        }
    }

    /// Noise, as random weights give: nearly every block straddles the thresholds and is upscaled.
    private func noisyLogits(side: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<(side * side)).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 6 - 3
        }
    }

    @Test("stability, area, box and run lengths equal those of the full upscale", arguments: [
        SAMImageGeometry(originalHeight: 150, originalWidth: 200, inputSize: 256),
        SAMImageGeometry(originalHeight: 301, originalWidth: 113, inputSize: 256),
        SAMImageGeometry(originalHeight: 37, originalWidth: 45, inputSize: 64),
    ])
    func matchesFullUpscale(geometry: SAMImageGeometry) {
        let side = geometry.inputSize / 4
        let measurer = SAMMaskMeasurer(side: side, geometry: geometry)
        // Noise first: a smooth mask measured after it must not read the noise's leftover values.
        let cases = (1...2).map { noisyLogits(side: side, seed: $0) } + (0..<4).map { logits(side: side, seed: $0) }
        for values in cases {
            let full = values.withUnsafeBufferPointer { SAMMaskResize.toOriginal($0, side: side, geometry: geometry) }
            let measured = values.withUnsafeBufferPointer {
                measurer.measure($0, threshold: 0, offset: 1, accept: { _ in true })
            }
            guard let measured else { Issue.record("no measurement"); continue }
            full.withUnsafeBufferPointer { exact in
                let statistics = SAMMaskStatistics(logits: exact, height: geometry.originalHeight, width: geometry.originalWidth, threshold: 0)
                #expect(measured.stabilityScore == SAMMaskStatistics.stability(exact, threshold: 0, offset: 1))
                #expect(measured.area == statistics.area)
                #expect(measured.box == statistics.box)
                #expect(measured.segmentation == SAMRunLengthMask(logits: exact, height: geometry.originalHeight,
                                                                  width: geometry.originalWidth, threshold: 0))
            }
            #expect(measured.area > 0 && measured.area < geometry.originalHeight * geometry.originalWidth)
        }
    }

    @Test("a mask refused by the stability check is not measured further")
    func refused() {
        let geometry = SAMImageGeometry(originalHeight: 37, originalWidth: 45, inputSize: 64)
        let values = logits(side: 16, seed: 1)
        let measured = values.withUnsafeBufferPointer {
            SAMMaskMeasurer(side: 16, geometry: geometry).measure($0, threshold: 0, offset: 1, accept: { _ in false })
        }
        #expect(measured == nil)
    }
}
