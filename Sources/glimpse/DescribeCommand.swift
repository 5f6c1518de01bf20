import ArgumentParser
import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseModels
import GlimpseRuntime
import GlimpseText

/// `glimpse describe FILE…`: the detailed description of images, the models loaded once for all of them.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe an image in detail: caption, region captions chosen by CLIP, keywords.",
        discussion: """
            Full mode captions the image with BLIP, segments it with SAM, captions the regions that CLIP finds \
            worth it, and keeps the region captions that CLIP prefers. --quick only captions the image and embeds it. \
            With several files, each description follows its file's name (with --json, one document per line: \
            {"file", "description"}); a file that cannot be read is reported and the others are described.
            """
    )

    @Argument(help: "The image files.")
    var files: [String]

    @Flag(help: "Print the description as JSON (schema: docs/description-schema.md).")
    var json = false

    @Flag(help: "Caption and CLIP embedding only; no segmentation.")
    var quick = false

    @Option(help: ArgumentHelp("Write a PNG with the kept regions' boxes drawn over the image.", valueName: "out.png"))
    var overlay: String?

    @OptionGroup(title: "Models") var models: DescribeModelOptions
    @OptionGroup(title: "Method") var method: DescribeMethodOptions
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give the image file to describe.") }
        if overlay != nil, files.count > 1 { throw ValidationError("--overlay draws over one image: give one file.") }
        if let keep = method.keep, keep < 0 { throw ValidationError("--keep must be 0 or more.") }
        if let maxRegions = method.maxRegions, maxRegions < 0 { throw ValidationError("--max-regions must be 0 or more.") }
        if let partition = method.areaPartition, partition < 1 { throw ValidationError("--area-partition must be at least 1.") }
        try method.options().validate()
    }

    func run() async throws {
        guard files.count == 1, let file = files.first else { return try await describeEach() }
        let image: RGBImage
        do {
            image = try ImageDecoder.decode(contentsOf: URL(filePath: file))
        } catch {
            throw FileError(file: file, error: error)
        }
        let pipeline = try await loadPipeline()
        let description = try pipeline.describe(image, mode: quick ? .quick : .full)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(description), as: UTF8.self))
        } else {
            print(DescriptionReport(description).text)
        }
        if let overlay {
            try PNGEncoder.encode(RegionOverlay.draw(description, on: image)).write(to: URL(filePath: overlay), options: .atomic)
        }
    }

    private func loadPipeline() async throws -> DescribePipeline {
        try await models.load(runtime: runtime, options: method.options(), quick: quick, pointsPerSide: method.resolvedPointsPerSide)
    }

    /// Several files, each printed as soon as it is described (quick ones eight together, as `index --quick`
    /// does, one at a time with `--low-memory`); a file that cannot be decoded or described is reported on
    /// standard error, and the command fails at the end.
    private func describeEach() async throws {
        let pipeline = try await loadPipeline()
        var runs = DecodedImageRuns(files: files, size: quick && !models.lowMemory ? 8 : 1)
        var failures = 0
        try runs.forEachRun { decoded in
            let images = decoded.map(\.image)
            let results = quick ? pipeline.describeQuickly(images) : images.map { image in Result { try pipeline.describe(image, mode: .full) } }
            for ((file, _), result) in zip(decoded, results) {
                let description: Description
                switch result {
                case .success(let described): description = described
                case .failure(let error):
                    failures += 1
                    FileHandle.standardError.write(Data("glimpse: \(file): \(error.localizedDescription)\n".utf8))
                    continue
                }
                if json {
                    struct Document: Encodable { var file: String; var description: Description }
                    print(try JSONLine.encode(Document(file: file, description: description)))
                } else {
                    print("\(file)\n\(DescriptionReport(description).text)\n")
                }
            }
        }
        if runs.failures + failures > 0 { throw ExitCode(1) }
    }
}

/// The four model folders (`--blip`, `--sam`, `--clip`, `--minilm`), defaulting to the model cache.
struct DescribeModelOptions: ParsableArguments {
    @Option(name: .customLong("blip"), help: ArgumentHelp(
        "A BLIP captioning model folder (default: Salesforce/blip-image-captioning-base in the model cache).", valueName: "dir"))
    var blip: String?

    @Option(name: .customLong("sam"), help: ArgumentHelp(
        "A SAM model folder (default: facebook/sam-vit-base in the model cache).", valueName: "dir"))
    var sam: String?

    @Option(name: .customLong("clip"), help: ArgumentHelp(
        "A CLIP model folder (default: openai/clip-vit-base-patch32 in the model cache).", valueName: "dir"))
    var clip: String?

    @Option(name: .customLong("minilm"), help: ArgumentHelp(
        "A sentence-embedding model folder (default: sentence-transformers/all-MiniLM-L6-v2 in the model cache).", valueName: "dir"))
    var minilm: String?

    @Flag(name: .customLong("low-memory"), help: """
        Use less memory: no model's weights are prepacked (they are read where the files lie, pages the \
        system can drop), SAM works in smaller pieces, and `index --quick` describes one photo at a time (not \
        eight together, which holds eight decoded photos). A full description needs about a third of the \
        memory, a quick index run a third or less; models load faster, every photo after the first takes \
        longer (8 % for full descriptions, 40 % for quick ones); the descriptions are the same (embeddings up \
        to rounding).
        """)
    var lowMemory = false

    func load(runtime: RuntimeOptions, options: DescribeOptions, quick: Bool, pointsPerSide: Int) async throws -> DescribePipeline {
        let folders = DescribeModelFolders(
            captioner: try await ModelLocation.folder(explicit: blip, default: "Salesforce/blip-image-captioning-base", option: "--blip",
                                                      runtime: runtime),
            segmenter: quick ? nil : try await ModelLocation.folder(explicit: sam, default: "facebook/sam-vit-base", option: "--sam",
                                                                    runtime: runtime),
            imageTextEmbedder: try await ModelLocation.folder(explicit: clip, default: "openai/clip-vit-base-patch32", option: "--clip",
                                                              runtime: runtime),
            sentenceEmbedder: try await ModelLocation.folder(explicit: minilm, default: "sentence-transformers/all-MiniLM-L6-v2",
                                                             option: "--minilm", runtime: runtime))
        var segmentation = SAMMaskGenerationOptions()
        segmentation.pointsPerSide = pointsPerSide
        return try DescribePipeline.load(folders: folders, runtime: OnnxRuntime.load(libraryPath: runtime.ortLibrary),
                                         keywords: KeywordExtractorChoice.make(), options: options, segmentation: segmentation,
                                         lowMemory: lowMemory, compiledCache: GlimpseDirectories().compiled)
    }
}

/// The method's main knobs (the rest keep DescribeOptions' defaults).
struct DescribeMethodOptions: ParsableArguments {
    @Flag(name: .customLong("seed-compatible"), help: "The founders' choices: the two best region captions by CLIP score, no repeat check, no crop skipping.")
    var seedCompatible = false

    @Option(name: .customLong("keep"), help: "The most region captions to keep (K; default 3, 2 with --seed-compatible).")
    var keep: Int?

    @Option(name: .customLong("max-regions"), help: "The most regions to crop (default 12).")
    var maxRegions: Int?

    @Option(name: .customLong("area-partition"), help: "Regions smaller than image area / N are ignored (default 64).")
    var areaPartition: Int?

    @Option(name: .customLong("points-per-side"), help: ArgumentHelp(
        "SAM's prompt grid is N×N points (default: 2·√area-partition, 16, enough for regions the pipeline keeps; 32, SAM's own default, with --seed-compatible).",
        valueName: "n"))
    var pointsPerSide: Int?

    @Flag(name: .customLong("prune"), help: "Delete words while CLIP prefers the shorter text (never inside a compound keyword).")
    var prune = false

    func validate() throws {
        if let points = pointsPerSide, points < 1 { throw ValidationError("--points-per-side must be at least 1.") }
    }

    /// The grid asked for, else the founders' 32 (SAM's default) or the pipeline's region grid.
    var resolvedPointsPerSide: Int { pointsPerSide ?? (seedCompatible ? 32 : options().regionPointsPerSide) }

    func options() -> DescribeOptions {
        var options = seedCompatible ? DescribeOptions.seedCompatible : DescribeOptions()
        if let keep { options.maxKeptRegions = keep }
        if let maxRegions { options.maxRegions = maxRegions }
        if let areaPartition { options.areaPartition = areaPartition }
        options.pruneWords = prune
        return options
    }
}
