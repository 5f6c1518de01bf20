import ArgumentParser
import Foundation
import GlimpseImage
import GlimpseModels
import GlimpseRuntime

/// `glimpse segment FILE`: SAM's automatic masks.
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment everything in an image with SAM: boxes, areas and scores of the masks."
    )

    @Argument(help: "The image file.")
    var file: String

    @Option(name: .customLong("sam"), help: ArgumentHelp(
        "A SAM model folder (default: facebook/sam-vit-base in the model cache).", valueName: "dir"))
    var sam: String?

    @Option(name: .customLong("points-per-side"), help: "The prompt grid is N×N points.")
    var pointsPerSide = 32

    @Option(name: .customLong("crop-layers"), help: ArgumentHelp(
        "Also segment crops: layer i cuts the image into 2^i × 2^i overlapping crops. Finds smaller objects; each crop costs one more image encoding (1 layer: 4 more).",
        valueName: "n"))
    var cropLayers = 0

    @Option(name: .customLong("min-region-area"), help: ArgumentHelp(
        "Fill holes and remove islands smaller than this many pixels in every mask (0: keep them).", valueName: "pixels"))
    var minRegionArea = 0

    @Option(name: .customLong("iou-threshold"), help: ArgumentHelp(
        "Keep masks whose predicted IoU is above this (0 to 1; default \(SAMMaskGenerationOptions().predictedIoUThreshold), SAM's).",
        valueName: "score"))
    var iouThreshold: Float?

    @Option(name: .customLong("stability-threshold"), help: ArgumentHelp(
        "Keep masks whose stability score is at least this (0 to 1; default \(SAMMaskGenerationOptions().stabilityScoreThreshold), SAM's).",
        valueName: "score"))
    var stabilityThreshold: Float?

    @Option(help: ArgumentHelp("Write a PNG with the masks and boxes drawn over the image.", valueName: "out.png"))
    var overlay: String?

    @Flag(help: "Print one JSON document per mask: box [x0, y0, x1, y1], area, predicted IoU, stability, run-length mask.")
    var json = false

    @Flag(name: .customLong("low-memory"), help: """
        Use less memory: SAM works in smaller pieces (global attention in 16 parts, 8 prompts per run of its \
        mask decoder), a few per cent slower; the masks are the same (their scores up to rounding).
        """)
    var lowMemory = false

    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard pointsPerSide > 0 else { throw ValidationError("--points-per-side must be at least 1.") }
        guard (0...3).contains(cropLayers) else {
            throw ValidationError("--crop-layers must be 0 to 3 (3 layers already encode 85 crops).")
        }
        guard minRegionArea >= 0 else { throw ValidationError("--min-region-area must be 0 or more pixels.") }
        for (value, option) in [(iouThreshold, "--iou-threshold"), (stabilityThreshold, "--stability-threshold")] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(option) must be between 0 and 1.") }
        }
    }

    func run() async throws {
        let folder = try await ModelLocation.folder(explicit: sam, default: "facebook/sam-vit-base", option: "--sam", runtime: runtime)
        let segmenter = try SAMSegmenter(directory: folder, runtime: OnnxRuntime.load(libraryPath: runtime.ortLibrary),
                                         memory: lowMemory ? .low : .fastest)
        let image: RGBImage
        do {
            image = try ImageDecoder.decode(contentsOf: URL(filePath: file))
        } catch {
            throw FileError(file: file, error: error)
        }
        var options = SAMMaskGenerationOptions()
        options.pointsPerSide = pointsPerSide
        options.cropLayers = cropLayers
        options.minRegionArea = minRegionArea
        if let iouThreshold { options.predictedIoUThreshold = iouThreshold }
        if let stabilityThreshold { options.stabilityScoreThreshold = stabilityThreshold }
        let masks = try segmenter.segment(image, options: options)
        for mask in masks {
            let box = [mask.box.x0, mask.box.y0, mask.box.x1, mask.box.y1]
            if json {
                struct Document: Encodable {
                    var box: [Int]; var area: Int; var predictedIoU: Float; var stabilityScore: Float
                    var segmentation: [String: [Int]]
                }
                print(try JSONLine.encode(Document(
                    box: box, area: mask.area, predictedIoU: mask.predictedIoU, stabilityScore: mask.stabilityScore,
                    segmentation: ["size": [mask.segmentation.height, mask.segmentation.width], "counts": mask.segmentation.counts])))
            } else {
                print("box \(box) area \(mask.area) iou \(String(format: "%.3f", mask.predictedIoU)) stability \(String(format: "%.3f", mask.stabilityScore))")
            }
        }
        if let overlay {
            try PNGEncoder.encode(SAMOverlay.draw(masks, on: image)).write(to: URL(filePath: overlay), options: .atomic)
        }
    }
}
