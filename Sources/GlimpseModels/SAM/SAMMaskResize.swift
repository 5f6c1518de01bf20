/// Bilinear resizing of mask logits as PyTorch's `F.interpolate(mode="bilinear", align_corners=False)`
/// computes it, and transformers' `post_process_masks` built from it (without binarising).
///
/// PyTorch's CPU kernel is separable: for each output pixel it interpolates along the width in the
/// two source rows, then blends the two rows. Doing the width pass for whole rows first is the same
/// arithmetic, at a fraction of the work.
enum SAMMaskResize {
    /// Source indices and weights along one axis (`area_pixel_compute_source_index`, clamped at 0).
    struct Taps {
        var lower: [Int]
        var upper: [Int]
        var lowerWeight: [Float]
        var upperWeight: [Float]

        init(input: Int, output: Int) {
            let scale = Float(input) / Float(output)
            var lower: [Int] = [], upper: [Int] = [], lowerWeight: [Float] = [], upperWeight: [Float] = []
            for index in 0..<output {
                let source = max(scale * (Float(index) + 0.5) - 0.5, 0)
                let base = min(Int(source), input - 1)
                let lambda = min(max(source - Float(base), 0), 1)
                lower.append(base)
                upper.append(base + (base < input - 1 ? 1 : 0))
                lowerWeight.append(1 - lambda)
                upperWeight.append(lambda)
            }
            (self.lower, self.upper, self.lowerWeight, self.upperWeight) = (lower, upper, lowerWeight, upperWeight)
        }
    }

    /// Resizes `source` (`height × width`, row-major) to `outputHeight × outputWidth`, reading only the
    /// top-left `usedHeight × usedWidth` of the result's source grid, which is the same as resizing the
    /// whole input to `targetHeight × targetWidth` and cropping `outputHeight × outputWidth`.
    static func resize(
        _ source: UnsafeBufferPointer<Float>, height: Int, width: Int,
        targetHeight: Int, targetWidth: Int, outputHeight: Int, outputWidth: Int
    ) -> [Float] {
        let rows = Taps(input: height, output: targetHeight)
        let columns = Taps(input: width, output: targetWidth)
        // Width pass over every source row that an output row reads.
        var horizontal = [Float](repeating: 0, count: height * outputWidth)
        let neededRows = Set((0..<outputHeight).flatMap { [rows.lower[$0], rows.upper[$0]] })
        horizontal.withUnsafeMutableBufferPointer { out in
            for row in neededRows {
                let input = row * width, output = row * outputWidth
                for x in 0..<outputWidth {
                    out[output + x] = source[input + columns.lower[x]] * columns.lowerWeight[x]
                        + source[input + columns.upper[x]] * columns.upperWeight[x]
                }
            }
        }
        var result = [Float](repeating: 0, count: outputHeight * outputWidth)
        result.withUnsafeMutableBufferPointer { out in
            horizontal.withUnsafeBufferPointer { h in
                for y in 0..<outputHeight {
                    let a = rows.lower[y] * outputWidth, b = rows.upper[y] * outputWidth
                    let wa = rows.lowerWeight[y], wb = rows.upperWeight[y]
                    for x in 0..<outputWidth {
                        out[y * outputWidth + x] = h[a + x] * wa + h[b + x] * wb
                    }
                }
            }
        }
        return result
    }

    /// transformers' `post_process_masks(binarize=False)` for one mask: low-resolution logits
    /// (`side × side`) → the padded input frame (`inputSize²`) → crop to the resized image → the original size.
    ///
    /// - Returns: logits `[originalHeight, originalWidth]`, row-major.
    static func toOriginal(_ logits: UnsafeBufferPointer<Float>, side: Int, geometry: SAMImageGeometry) -> [Float] {
        let padded = resize(logits, height: side, width: side, targetHeight: geometry.inputSize, targetWidth: geometry.inputSize,
                            outputHeight: geometry.resizedHeight, outputWidth: geometry.resizedWidth)
        return padded.withUnsafeBufferPointer {
            resize($0, height: geometry.resizedHeight, width: geometry.resizedWidth,
                   targetHeight: geometry.originalHeight, targetWidth: geometry.originalWidth,
                   outputHeight: geometry.originalHeight, outputWidth: geometry.originalWidth)
        }
    }
}

/// Sizes of one image through SAM's preprocessing: the original, the resized image whose longest side
/// is the model's input size, and that input size (the image is padded to a square at the bottom right).
public struct SAMImageGeometry: Sendable, Hashable {
    public var originalHeight: Int
    public var originalWidth: Int
    public var resizedHeight: Int
    public var resizedWidth: Int
    public var inputSize: Int

    /// The resized size as `SamImageProcessor._get_preprocess_shape` computes it (rounded half up).
    public init(originalHeight: Int, originalWidth: Int, inputSize: Int) {
        let scale = Double(inputSize) / Double(max(originalHeight, originalWidth))
        self.init(originalHeight: originalHeight, originalWidth: originalWidth,
                  resizedHeight: Int(Double(originalHeight) * scale + 0.5), resizedWidth: Int(Double(originalWidth) * scale + 0.5),
                  inputSize: inputSize)
    }

    public init(originalHeight: Int, originalWidth: Int, resizedHeight: Int, resizedWidth: Int, inputSize: Int) {
        self.originalHeight = originalHeight
        self.originalWidth = originalWidth
        self.resizedHeight = resizedHeight
        self.resizedWidth = resizedWidth
        self.inputSize = inputSize
    }
}
