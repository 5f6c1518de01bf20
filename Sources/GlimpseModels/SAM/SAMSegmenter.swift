import Foundation
import GlimpseImage
import GlimpseRuntime

/// "Segment everything" for pictures: SAM's preprocessing (from `preprocessor_config.json`, else
/// SamImageProcessor's defaults at the model's input size), the image encoder, then the mask generator.
public final class SAMSegmenter: Sendable {
    public let model: SAMModel
    public let preprocessing: ImagePreprocessing

    /// - Parameter memory: see ``SAMModel/init(directory:runtime:options:memory:)``.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(),
                memory: SAMMemoryUse = .fastest) throws {
        model = try SAMModel(directory: directory, runtime: runtime, options: options, memory: memory)
        let size = model.inputSize
        if let url = try ModelDirectory(url: directory).preprocessorConfigURL {
            preprocessing = try PreprocessorConfiguration(contentsOf: url).imagePreprocessing()
        } else {
            preprocessing = ImagePreprocessing(resize: .longestEdge(size), resample: .bilinear,
                                               mean: ImagePreprocessing.imageNetMean, std: ImagePreprocessing.imageNetStd,
                                               padTo: PixelSize(width: size, height: size))
        }
    }

    /// The masks of `image`, with boxes in the image's own pixels: best first without crop layers; with
    /// them, masks from smaller crops first (the order of the NMS across crops).
    ///
    /// Each crop (the whole image, then those of `options.cropLayers`) is cut from the picture,
    /// preprocessed and embedded on its own, as segment-anything's automatic mask generator does.
    public func segment(_ image: RGBImage, options: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) throws -> [SAMGeneratedMask] {
        let crops = SAMCropBox.boxes(height: image.height, width: image.width, layers: max(0, options.cropLayers),
                                     overlapRatio: options.cropOverlapRatio)
        var found: [(crop: SAMCropBox, masks: [SAMGeneratedMask])] = []
        for crop in crops {
            let picture = try image.cropped(to: PixelRect(x: crop.x0, y: crop.y0, width: crop.width, height: crop.height))
            let prepared = try ImagePreprocessor(preprocessing)(picture)
            let original = prepared.originalSizes[0], resized = prepared.resizedSizes[0]
            let geometry = SAMImageGeometry(originalHeight: original.height, originalWidth: original.width,
                                            resizedHeight: resized.height, resizedWidth: resized.width, inputSize: model.inputSize)
            let embedding = try model.imageEmbedding(pixelValues: prepared.pixelValues)
            found.append((crop, try model.cropMasks(embedding: embedding, geometry: geometry, crop: crop,
                                                    imageWidth: image.width, imageHeight: image.height, options: options)))
        }
        return model.mergedCropMasks(found, options: options)
    }
}

/// Draws masks and their boxes over a picture, so a person can look at a segmentation.
public enum SAMOverlay {
    /// `image` with each mask tinted in its own colour (45 % opacity) and its box outlined.
    public static func draw(_ masks: [SAMGeneratedMask], on image: RGBImage) throws -> RGBImage {
        var pixels = image.pixels
        let palette: [(Float, Float, Float)] = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                                                 (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)]
        for (index, mask) in masks.enumerated() where mask.segmentation.width == image.width && mask.segmentation.height == image.height {
            let color = palette[index % palette.count]
            var position = 0, isSet = false
            for run in mask.segmentation.counts {
                if isSet {
                    for p in position..<(position + run) {
                        let (x, y) = (p / image.height, p % image.height)  // column-major
                        let i = (y * image.width + x) * 3
                        pixels[i] = UInt8(Float(pixels[i]) * 0.55 + color.0 * 0.45)
                        pixels[i + 1] = UInt8(Float(pixels[i + 1]) * 0.55 + color.1 * 0.45)
                        pixels[i + 2] = UInt8(Float(pixels[i + 2]) * 0.55 + color.2 * 0.45)
                    }
                }
                position += run
                isSet.toggle()
            }
            let box = mask.box
            for x in max(0, box.x0)...min(image.width - 1, max(box.x0, box.x1)) {
                for y in [box.y0, box.y1] where y >= 0 && y < image.height { paint(&pixels, x, y, image.width, color) }
            }
            for y in max(0, box.y0)...min(image.height - 1, max(box.y0, box.y1)) {
                for x in [box.x0, box.x1] where x >= 0 && x < image.width { paint(&pixels, x, y, image.width, color) }
            }
        }
        return try RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    private static func paint(_ pixels: inout [UInt8], _ x: Int, _ y: Int, _ width: Int, _ color: (Float, Float, Float)) {
        let i = (y * width + x) * 3
        (pixels[i], pixels[i + 1], pixels[i + 2]) = (UInt8(color.0), UInt8(color.1), UInt8(color.2))
    }
}
