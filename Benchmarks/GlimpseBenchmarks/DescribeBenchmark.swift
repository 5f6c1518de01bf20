import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseModels
import GlimpseRuntime
import GlimpseText

/// The whole describe pipeline on one photo, full and quick mode, with full-size random-weight BLIP-base,
/// SAM ViT-B and CLIP ViT-B/32 and the real all-MiniLM-L6-v2 (issue #9: full ≤ 8 s, quick ≤ 0.8 s on
/// 2 cores, with about 20 candidate regions).
///
///     GlimpseBenchmarks describe BENCH_MODELS TEST_DATA PHOTO [--threads N] [--runs N] [--regions N] [--sam-filters on|off]
///                                [--points-per-side N] [--low-memory on|off]
///
/// `BENCH_MODELS` holds `blip-base`, `sam-vit-b`, `clip-vit-b32` from Tools/fixtures/make_fullsize.py;
/// `TEST_DATA` (scripts/fetch-test-data) gives the tokenizers the random checkpoints lack
/// (`bert-base-uncased/vocab.txt` for BLIP, `clip-bpe/` for CLIP) and `all-MiniLM-L6-v2`. The photo is
/// scaled so its longer side is 1024 pixels. SAM with random weights proposes few meaningful masks, so its
/// quality filters are off and, when it still proposes fewer than `--regions` large masks, a grid of boxes
/// fills up the proposals: BLIP and CLIP then work on as many crops as with a real photo and real SAM.
/// Random CLIP weights make the crop skipping arbitrary, so the benchmark also reports a run with
/// skipping off (`seedCompatible` screening), the worst case for BLIP.
struct DescribeBenchmark {
    struct Result: Encodable {
        var threads: Int
        var runs: Int
        var pointsPerSide: Int
        var imageSize: [Int]
        var proposedRegions: Int
        var regionCaptions: Int
        var blipCallsSaved: Int
        var fullSeconds: Double
        var fullWithoutSkippingSeconds: Double
        var quickSeconds: Double
        /// Median seconds per stage of the full runs.
        var stages: [String: Double]
        var loadSeconds: Double
    }

    var models: URL
    var testData: URL
    var photo: URL
    var threads: Int
    var runs: Int
    var regions: Int
    /// Keep SAM's default quality filters (predicted IoU > 0.88, stability > 0.95). Off (the default
    /// here) measures and keeps every one of the 32 × 32 × 3 masks at full resolution, which real SAM
    /// never does: its IoU filter drops most masks before they are measured.
    var samFilters = false
    /// SAM's prompt grid (default: the pipeline's region grid, ``DescribeOptions/regionPointsPerSide``).
    var pointsPerSide = DescribeOptions().regionPointsPerSide
    /// The pipeline's low-memory setting (`glimpse describe --low-memory`).
    var lowMemory = false

    func run() throws -> Result {
        let folders = try assembleFolders()
        var segmentation = SAMMaskGenerationOptions()
        segmentation.pointsPerSide = pointsPerSide
        if !samFilters {
            segmentation.predictedIoUThreshold = 0
            segmentation.stabilityScoreThreshold = 0
        }
        let keywords: any KeywordExtracting = (try? KeywordExtractor.standard()) ?? PlainKeywords()
        let start = ContinuousClock.now
        var pipeline = try DescribePipeline.load(folders: folders, runtime: .shared(), keywords: keywords,
                                                 session: SessionOptions(intraOpThreads: threads), segmentation: segmentation,
                                                 lowMemory: lowMemory)
        let loadSeconds = milliseconds(ContinuousClock.now - start) / 1000
        pipeline.segmenter = pipeline.segmenter.map { GridPaddedProposer(inner: $0, minimum: regions) }
        let image = try Self.scaled(ImageDecoder.decode(contentsOf: photo), longestSide: 1024)

        func median(_ options: DescribeOptions, _ mode: DescribeMode) throws -> (seconds: Double, last: Description, all: [Description]) {
            var runner = pipeline
            runner.options = options
            _ = try runner.describe(image, mode: mode)  // warm-up
            var descriptions: [Description] = []
            for _ in 0..<runs { descriptions.append(try runner.describe(image, mode: mode)) }
            let totals = descriptions.map { $0.timings.reduce(0) { $0 + $1.seconds } }.sorted()
            return (totals[totals.count / 2], descriptions.last!, descriptions)
        }
        let full = try median(DescribeOptions(), .full)
        var unscreened = DescribeOptions()
        unscreened.duplicateCropSimilarity = nil
        unscreened.wholeImageSimilarity = nil
        let worst = try median(unscreened, .full)
        let quick = try median(DescribeOptions(), .quick)
        var stages: [String: Double] = [:]
        for stage in DescribeStage.allCases {
            let times = full.all.compactMap { $0.timings.first { $0.stage == stage.rawValue }?.seconds }.sorted()
            if !times.isEmpty { stages[stage.rawValue] = times[times.count / 2] }
        }
        let statistics = full.last.statistics ?? DescribeStatistics()
        return Result(threads: threads, runs: runs, pointsPerSide: pointsPerSide, imageSize: [image.width, image.height],
                      proposedRegions: statistics.proposedRegions, regionCaptions: statistics.regionCaptions,
                      blipCallsSaved: statistics.blipCallsSaved, fullSeconds: full.seconds, fullWithoutSkippingSeconds: worst.seconds,
                      quickSeconds: quick.seconds, stages: stages, loadSeconds: loadSeconds)
    }

    /// Model folders of links: the random checkpoints plus the tokenizer files they lack.
    private func assembleFolders() throws -> DescribeModelFolders {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appending(path: "glimpse-describe-bench-\(ProcessInfo.processInfo.processIdentifier)")
        func folder(_ name: String, from sources: [URL]) throws -> URL {
            let url = root.appending(path: name, directoryHint: .isDirectory)
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
            for source in sources {
                let files = try manager.contentsOfDirectory(at: source, includingPropertiesForKeys: nil)
                for file in files where !manager.fileExists(atPath: url.appending(path: file.lastPathComponent).path) {
                    // A hard link where the file system allows: ONNX Runtime refuses external data whose
                    // resolved path (through a symbolic link) leaves the model's folder.
                    let link = url.appending(path: file.lastPathComponent)
                    do { try manager.linkItem(at: file, to: link) } catch {
                        try manager.createSymbolicLink(at: link, withDestinationURL: file)
                    }
                }
            }
            return url
        }
        return DescribeModelFolders(
            captioner: try folder("blip-base", from: [models.appending(path: "blip-base"), testData.appending(path: "bert-base-uncased")]),
            segmenter: try folder("sam-vit-b", from: [models.appending(path: "sam-vit-b")]),
            imageTextEmbedder: try folder("clip-vit-b32", from: [models.appending(path: "clip-vit-b32"), testData.appending(path: "clip-bpe")]),
            sentenceEmbedder: testData.appending(path: "all-MiniLM-L6-v2"))
    }

    static func scaled(_ image: RGBImage, longestSide: Int) throws -> RGBImage {
        let scale = Double(longestSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return image }
        return try image.resized(to: PixelSize(width: max(1, Int((Double(image.width) * scale).rounded())),
                                               height: max(1, Int((Double(image.height) * scale).rounded()))), filter: .bilinear)
    }
}

/// The inner segmenter's proposals, plus boxes of a grid (distinct, large enough to pass the area
/// threshold) until there are `minimum` of them.
struct GridPaddedProposer: RegionProposing {
    var inner: any RegionProposing
    var minimum: Int

    func regions(of image: RGBImage) throws -> [ProposedRegion] {
        var proposals = try inner.regions(of: image)
        let area = image.width * image.height
        var large = proposals.filter { $0.area * 64 >= area }.count
        let side = 5, width = image.width / side, height = image.height / side
        var cell = 0
        while large < minimum && cell < side * side * 2 {
            // Cells of a 5 × 5 grid, then boxes of 2 × 2 cells: distinct boxes of ≥ 1/25 of the image.
            let span = cell < side * side ? 1 : 2, index = cell % (side * side)
            let x = (index % side) * width, y = (index / side) * height
            let box = PixelBox(x: x, y: y, width: min(span * width, image.width - x), height: min(span * height, image.height - y))
            proposals.append(ProposedRegion(box: box, area: box.area * 3 / 4, stability: 0.96, predictedIoU: 0.9))
            cell += 1
            large += 1
        }
        return proposals
    }
}
