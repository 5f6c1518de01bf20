import GlimpseRuntime

/// Settings of automatic mask generation ("segment everything"), with the original method's defaults.
public struct SAMMaskGenerationOptions: Sendable, Hashable {
    /// The prompts are a `pointsPerSide × pointsPerSide` grid of single foreground points.
    public var pointsPerSide: Int = 32
    /// Prompts decoded per run of the mask decoder.
    public var pointsPerBatch: Int = 64
    /// Masks whose predicted IoU is not above this are dropped (no filter when `0` or less).
    public var predictedIoUThreshold: Float = 0.88
    /// Masks whose stability score is not above this are dropped (no filter when `0` or less).
    public var stabilityScoreThreshold: Float = 0.95
    /// The logit offset of the stability score.
    public var stabilityScoreOffset: Float = 1
    /// Logits above this are inside the mask.
    public var maskThreshold: Float = 0
    /// Box IoU above which the lower-scored of two masks is suppressed.
    public var boxNMSThreshold: Double = 0.7

    public init() {}
}

/// One mask found by automatic mask generation, in the original image's pixels.
public struct SAMGeneratedMask: Sendable, Hashable {
    /// The mask's bounding box, last row and column included.
    public var box: SAMPixelBox
    /// Pixels in the mask.
    public var area: Int
    public var predictedIoU: Float
    public var stabilityScore: Float
    /// The mask at the original resolution, run-length encoded.
    public var segmentation: SAMRunLengthMask
}

extension SAMModel {
    /// "Segment everything": prompts the model with a grid of points and keeps the good, distinct masks.
    ///
    /// This is transformers' `mask-generation` pipeline without crop layers (the original method's
    /// default): for each batch of grid points, three masks per point; masks whose predicted IoU is not
    /// above the threshold are dropped first; the others are measured as if upscaled to the original
    /// image (`post_process_masks`): stability score, then, for the stable ones, box, area and run
    /// lengths; finally box NMS keeps the best of overlapping masks. Results are ordered by predicted
    /// IoU, best first.
    ///
    /// Work stays at the low resolution wherever the result does not change: the IoU filter reads only
    /// scores, and ``SAMMaskMeasurer`` upscales only the pixels near a mask's edges, where the
    /// low-resolution logits do not already decide the answer; the counts, boxes and run lengths are
    /// those of the full upscale.
    ///
    /// - Parameters:
    ///   - pixelValues: the preprocessed image `[1, 3, inputSize, inputSize]`.
    ///   - geometry: the original and resized sizes of that image.
    public func generateMasks(pixelValues: Tensor, geometry: SAMImageGeometry,
                              options: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) throws -> [SAMGeneratedMask] {
        try generateMasks(embedding: imageEmbedding(pixelValues: pixelValues), geometry: geometry, options: options)
    }

    /// ``generateMasks(pixelValues:geometry:options:)`` from an image embedding `[1, hidden, grid, grid]`.
    public func generateMasks(embedding: Tensor, geometry: SAMImageGeometry,
                              options: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) throws -> [SAMGeneratedMask] {
        guard options.pointsPerSide > 0, options.pointsPerBatch > 0 else { throw SAMError.noPrompts }
        let points = Self.gridPoints(pointsPerSide: options.pointsPerSide, geometry: geometry)
        var candidates: [SAMGeneratedMask] = []
        var measurer: SAMMaskMeasurer?
        for start in stride(from: 0, to: points.count, by: options.pointsPerBatch) {
            let batch = points[start..<min(start + options.pointsPerBatch, points.count)]
            let result = try masks(for: embedding, points: batch.map { [$0] }, multimask: true)
            if measurer == nil { measurer = SAMMaskMeasurer(side: result.side, geometry: geometry) }
            candidates += try keptMasks(result, measurer: measurer!, options: options)
        }
        let kept = samBoxNMS(boxes: candidates.map(\.box), scores: candidates.map(\.predictedIoU), threshold: options.boxNMSThreshold)
        return kept.map { candidates[$0] }
    }

    /// The grid of prompts in the model's input frame (`_build_point_grid` scaled to the original image,
    /// then to the resized one, as `_generate_crop_images` and `_normalize_coordinates` do).
    static func gridPoints(pointsPerSide n: Int, geometry: SAMImageGeometry) -> [SAMPoint] {
        let offset = 1 / (2 * Double(n))
        let step = n > 1 ? ((1 - offset) - offset) / Double(n - 1) : 0  // numpy.linspace
        let fractions = (0..<n).map { $0 == n - 1 && n > 1 ? 1 - offset : Double($0) * step + offset }
        let scaleX = Double(geometry.resizedWidth) / Double(geometry.originalWidth)
        let scaleY = Double(geometry.resizedHeight) / Double(geometry.originalHeight)
        return fractions.flatMap { fy in
            fractions.map { fx in
                SAMPoint(x: Float(fx * Double(geometry.originalWidth) * scaleX), y: Float(fy * Double(geometry.originalHeight) * scaleY))
            }
        }
    }

    /// The masks of one decoder run that pass the IoU and stability filters, measured and encoded.
    private func keptMasks(_ result: SAMMasks, measurer: SAMMaskMeasurer, options: SAMMaskGenerationOptions) throws -> [SAMGeneratedMask] {
        let logits = try result.logits.floats(), scores = try result.iouScores.floats()
        let plane = result.side * result.side
        let threshold = options.stabilityScoreThreshold
        var kept: [SAMGeneratedMask] = []
        for (index, score) in scores.enumerated() {
            if options.predictedIoUThreshold > 0, !(score > options.predictedIoUThreshold) { continue }
            let measured = logits.withUnsafeBufferPointer {
                measurer.measure(UnsafeBufferPointer(rebasing: $0[(index * plane)..<((index + 1) * plane)]),
                                 threshold: options.maskThreshold, offset: options.stabilityScoreOffset,
                                 accept: { threshold <= 0 || $0 > threshold })
            }
            if let m = measured {
                kept.append(SAMGeneratedMask(box: m.box, area: m.area, predictedIoU: score, stabilityScore: m.stabilityScore,
                                             segmentation: m.segmentation))
            }
        }
        return kept
    }
}
