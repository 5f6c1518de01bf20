import Foundation
import GlimpseRuntime

/// Model input made from a batch of images.
public struct PreprocessedImages: Sendable {
    /// `[batch, 3, height, width]` Float32, contiguous.
    public let pixelValues: Tensor
    /// Each image's size as given (SAM's `original_sizes`).
    public let originalSizes: [PixelSize]
    /// Each image's size after resizing, before cropping or padding (SAM's `reshaped_input_sizes`);
    /// boxes predicted on the model input map back with the ratio original / resized.
    public let resizedSizes: [PixelSize]
}

extension PreprocessedImages {
    /// Maps a box `(x0, y0, x1, y1)` from model-input coordinates of image `index` (the resized picture,
    /// before padding, as SAM predicts them) back to the original image's pixel coordinates. Only
    /// meaningful for descriptions without a centre crop.
    public func originalBox(_ box: (x0: Double, y0: Double, x1: Double, y1: Double), image index: Int)
        -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        let original = originalSizes[index], resized = resizedSizes[index]
        let sx = Double(original.width) / Double(resized.width)
        let sy = Double(original.height) / Double(resized.height)
        return (box.x0 * sx, box.y0 * sy, box.x1 * sx, box.y1 * sy)
    }
}

/// Turns decoded images into model input exactly as transformers' image processors do
/// (`CLIPImageProcessor`, `BlipImageProcessor`, `SamImageProcessor`), with Pillow-exact resizing.
public struct ImagePreprocessor: Sendable {
    public let preprocessing: ImagePreprocessing

    public init(_ preprocessing: ImagePreprocessing) {
        self.preprocessing = preprocessing
    }

    /// Preprocesses a batch; every image must give the same output size (true with a crop, a pad or an
    /// exact resize).
    /// - Throws: `ImageError.invalidArgument` for an empty batch, mismatched sizes or a bad description.
    public func callAsFunction(_ images: [RGBImage]) throws -> PreprocessedImages {
        guard let firstImage = images.first else { throw ImageError.invalidArgument("an empty batch") }
        try preprocessing.validate()
        let size = preprocessing.outputSize(for: PixelSize(width: firstImage.width, height: firstImage.height))
        let plane = size.width * size.height * 3
        var values = [Float](repeating: 0, count: plane * images.count)
        var resizedSizes: [PixelSize] = []
        try values.withUnsafeMutableBufferPointer { buffer in
            for (index, image) in images.enumerated() {
                let output = UnsafeMutableBufferPointer(rebasing: buffer[index * plane..<(index + 1) * plane])
                let (outputSize, resized) = try write(image, into: output, expected: size)
                guard outputSize == size else {
                    throw ImageError.invalidArgument("image \(index) gives \(outputSize), the first gives \(size); add a crop or pad")
                }
                resizedSizes.append(resized)
            }
        }
        return PreprocessedImages(
            pixelValues: try Tensor(shape: [images.count, 3, size.height, size.width], floats: values),
            originalSizes: images.map { PixelSize(width: $0.width, height: $0.height) },
            resizedSizes: resizedSizes)
    }

    /// Decodes the files at `urls` and preprocesses them as one batch. With `fast`, large JPEGs are
    /// decoded at 1/2, 1/4 or 1/8 scale in the DCT domain (keeping at least twice the model's
    /// resolution); values then differ slightly from transformers' (tolerance at
    /// `DecodingOptions.jpegMinimumSize`), and `originalSizes` are the scaled sizes, so use `fast` for
    /// whole-image models (CLIP, BLIP), not where boxes must map back to the file (SAM).
    public func callAsFunction(contentsOf urls: [URL], options: DecodingOptions = DecodingOptions(),
                               fast: Bool = false) throws -> PreprocessedImages {
        var options = options
        if fast { options.jpegMinimumSize = preprocessing.minimumDecodeSize() }
        return try self(urls.map { try ImageDecoder.decode(contentsOf: $0, options: options) })
    }

    /// Preprocesses one image: `[1, 3, height, width]`.
    public func callAsFunction(_ image: RGBImage) throws -> PreprocessedImages {
        try self([image])
    }

    /// The 8-bit picture the model sees before rescaling: resized and centre-cropped (no padding).
    public func resizedAndCropped(_ image: RGBImage) throws -> (image: RGBImage, resizedSize: PixelSize) {
        let resized = preprocessing.resizedSize(for: PixelSize(width: image.width, height: image.height))
        guard resized.width > 0, resized.height > 0 else {
            throw ImageError.invalidArgument("resize to \(resized)")
        }
        let opaque = RGBImage(unchecked: image.width, image.height, image.pixels, nil)
        guard let crop = preprocessing.centerCrop else {
            let same = resized.width == image.width && resized.height == image.height
            return (same ? opaque : try opaque.resized(to: resized, filter: preprocessing.resample), resized)
        }
        guard crop.width > 0, crop.height > 0 else { throw ImageError.invalidArgument("crop to \(crop)") }
        // transformers: top = (height − crop) // 2 (floor), zero padding where the crop leaves the image.
        let top = Int((Double(resized.height - crop.height) / 2).rounded(.down))
        let left = Int((Double(resized.width - crop.width) / 2).rounded(.down))
        let cropRect = PixelRect(x: left, y: top, width: crop.width, height: crop.height)
        guard let inside = cropRect.intersection(PixelRect(x: 0, y: 0, width: resized.width, height: resized.height)) else {
            throw ImageError.invalidArgument("crop \(cropRect) misses the image \(resized)")
        }
        let part = try opaque.resized(to: resized, filter: preprocessing.resample, window: inside)
        if inside == cropRect { return (part, resized) }
        var canvas = [UInt8](repeating: 0, count: crop.width * crop.height * 3)
        for row in 0..<part.height {
            let to = ((inside.y - top + row) * crop.width + (inside.x - left)) * 3
            canvas.replaceSubrange(to..<to + part.width * 3, with: part.pixels[row * part.width * 3..<(row + 1) * part.width * 3])
        }
        return (RGBImage(unchecked: crop.width, crop.height, canvas, nil), resized)
    }

    /// Writes one image channel-first into `output`; returns the output and resized sizes.
    private func write(_ image: RGBImage, into output: UnsafeMutableBufferPointer<Float>,
                       expected: PixelSize) throws -> (PixelSize, PixelSize) {
        let (picture, resized) = try resizedAndCropped(image)
        let size = preprocessing.padTo ?? PixelSize(width: picture.width, height: picture.height)
        guard size == expected else { return (size, resized) }
        guard picture.width <= size.width, picture.height <= size.height else {
            throw ImageError.invalidArgument("\(picture.width)×\(picture.height) does not fit the padding \(size)")
        }
        // Per channel: y = ((x · factor) as Float32 − mean) / std, in Float32 like NumPy.
        var tables = [[Float]](repeating: [], count: 3)
        for channel in 0..<3 {
            tables[channel] = (0..<256).map { value -> Float in
                var x = preprocessing.rescaleFactor.map { Float(Double(value) * $0) } ?? Float(value)
                if let mean = preprocessing.mean, let std = preprocessing.std {
                    x = (x - mean[mean.count == 3 ? channel : 0]) / std[std.count == 3 ? channel : 0]
                }
                return x
            }
        }
        let plane = size.width * size.height
        picture.pixels.withUnsafeBufferPointer { pixels in
            for channel in 0..<3 {
                let table = tables[channel]
                for y in 0..<picture.height {
                    let row = channel * plane + y * size.width
                    for x in 0..<picture.width {
                        output[row + x] = table[Int(pixels[(y * picture.width + x) * 3 + channel])]
                    }
                }
            }
        }
        return (size, resized)
    }
}
