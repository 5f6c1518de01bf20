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
    /// Box IoU above which the lower-scored of two masks of one crop is suppressed.
    public var boxNMSThreshold: Double = 0.7
    /// Layers of crops segmented besides the whole image (`crop_n_layers`): layer `i` cuts the image
    /// into `2^i × 2^i` overlapping crops, each embedded and prompted on its own, which finds smaller
    /// objects at the cost of one image encoding per crop. Needs the picture (``SAMSegmenter``).
    public var cropLayers: Int = 0
    /// How much neighbouring crops of layer 1 overlap, as a fraction of the image's short side.
    public var cropOverlapRatio: Double = 512.0 / 1500.0
    /// Layer `i` is prompted with `pointsPerSide / factor^i` points per side.
    public var cropPointsDownscaleFactor: Int = 1
    /// Box IoU above which, of two masks from different crops, the one from the larger crop is suppressed.
    public var cropNMSThreshold: Double = 0.7
    /// Holes and islands smaller than this many pixels are removed from every mask, then box NMS runs
    /// again (`min_mask_region_area`; 0: off).
    public var minRegionArea: Int = 0

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
    /// "Segment everything" on the whole image: prompts the model with a grid of points and keeps the
    /// good, distinct masks. Crop layers need the picture itself: ``SAMSegmenter/segment(_:options:)``.
    ///
    /// Without crop layers this is transformers' `mask-generation` pipeline, and the original method:
    /// for each batch of grid points, three masks per point; masks whose predicted IoU is not above the
    /// threshold are dropped first; the others are measured as if upscaled to the original image
    /// (`post_process_masks`): stability score, then, for the stable ones, box, area and run lengths;
    /// finally box NMS keeps the best of overlapping masks, ordered by predicted IoU, best first. With
    /// `minRegionArea`, small holes and islands are then removed as segment-anything does.
    ///
    /// Work stays at the low resolution wherever the result does not change: the IoU filter reads only
    /// scores, computed before the decoder's upscaling, which then runs only for prompts with a mask
    /// that passes it; ``SAMMaskMeasurer`` upscales only the pixels near a mask's edges, where the
    /// low-resolution logits do not already decide the answer; the counts, boxes and run lengths are
    /// those of the full upscale.
    ///
    /// - Parameters:
    ///   - pixelValues: the preprocessed image `[1, 3, inputSize, inputSize]`.
    ///   - geometry: the original and resized sizes of that image.
    /// - Throws: ``SAMError/cropsNeedPicture`` when `options.cropLayers` is not 0.
    public func generateMasks(pixelValues: Tensor, geometry: SAMImageGeometry,
                              options: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) throws -> [SAMGeneratedMask] {
        try generateMasks(embedding: imageEmbedding(pixelValues: pixelValues), geometry: geometry, options: options)
    }

    /// ``generateMasks(pixelValues:geometry:options:)`` from an image embedding `[1, hidden, grid, grid]`.
    public func generateMasks(embedding: Tensor, geometry: SAMImageGeometry,
                              options: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) throws -> [SAMGeneratedMask] {
        guard options.cropLayers == 0 else { throw SAMError.cropsNeedPicture }
        let whole = SAMCropBox(x0: 0, y0: 0, x1: geometry.originalWidth, y1: geometry.originalHeight, layer: 0)
        let masks = try cropMasks(embedding: embedding, geometry: geometry, crop: whole,
                                  imageWidth: whole.width, imageHeight: whole.height, options: options)
        return removingSmallRegions(masks, options: options)
    }

    /// The masks of one crop, in the whole image's pixels (segment-anything's `_process_crop`): the
    /// crop's grid of prompts, the IoU and stability filters, masks near an inner edge of the crop
    /// dropped, box NMS within the crop, then boxes and masks moved into the image.
    ///
    /// - Parameters:
    ///   - embedding: the crop's image embedding; `geometry`: the crop's sizes through preprocessing.
    func cropMasks(embedding: Tensor, geometry: SAMImageGeometry, crop: SAMCropBox, imageWidth: Int, imageHeight: Int,
                   options: SAMMaskGenerationOptions) throws -> [SAMGeneratedMask] {
        guard options.pointsPerSide > 0, options.pointsPerBatch > 0, options.cropPointsDownscaleFactor > 0 else {
            throw SAMError.noPrompts
        }
        let factor = (0..<crop.layer).reduce(1) { product, _ in product * options.cropPointsDownscaleFactor }
        let points = Self.gridPoints(pointsPerSide: Int(Double(options.pointsPerSide) / Double(factor)), geometry: geometry)
        var candidates: [SAMGeneratedMask] = []
        var measurer: SAMMaskMeasurer?
        for start in stride(from: 0, to: points.count, by: options.pointsPerBatch) {
            let batch = points[start..<min(start + options.pointsPerBatch, points.count)]
            let result = try multimaskPassing(iouThreshold: options.predictedIoUThreshold, for: embedding, points: Array(batch)).masks
            if measurer == nil { measurer = SAMMaskMeasurer(side: result.side, geometry: geometry) }
            candidates += try keptMasks(result, measurer: measurer!, options: options).filter {
                !crop.touchesInnerEdge($0.box, imageWidth: imageWidth, imageHeight: imageHeight)
            }
        }
        let kept = samBoxNMS(boxes: candidates.map(\.box), scores: candidates.map(\.predictedIoU), threshold: options.boxNMSThreshold)
        return kept.map { index in
            var mask = candidates[index]
            mask.box = SAMPixelBox(x0: mask.box.x0 + crop.x0, y0: mask.box.y0 + crop.y0,
                                   x1: mask.box.x1 + crop.x0, y1: mask.box.y1 + crop.y0)
            mask.segmentation = mask.segmentation.padded(left: crop.x0, top: crop.y0, height: imageHeight, width: imageWidth)
            return mask
        }
    }

    /// The masks of several crops of one image: NMS across crops prefers masks from smaller crops
    /// (`_generate_masks`), then small regions are removed when the options ask for it.
    func mergedCropMasks(_ crops: [(crop: SAMCropBox, masks: [SAMGeneratedMask])], options: SAMMaskGenerationOptions) -> [SAMGeneratedMask] {
        var masks = crops.flatMap(\.masks)
        if crops.count > 1 {
            let scores = crops.flatMap { entry in entry.masks.map { _ in 1 / Float(entry.crop.width * entry.crop.height) } }
            masks = samBoxNMS(boxes: masks.map(\.box), scores: scores, threshold: options.cropNMSThreshold).map { masks[$0] }
        }
        return removingSmallRegions(masks, options: options)
    }

    private func removingSmallRegions(_ masks: [SAMGeneratedMask], options: SAMMaskGenerationOptions) -> [SAMGeneratedMask] {
        guard options.minRegionArea > 0 else { return masks }
        return SAMSmallRegions.postprocess(masks, minArea: options.minRegionArea,
                                           nmsThreshold: max(options.boxNMSThreshold, options.cropNMSThreshold))
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
