import ArgumentParser
import Foundation
import GlimpseModels
import GlimpseRuntime

/// `glimpse caption FILE…`: BLIP captions.
struct CaptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caption",
        abstract: "Caption images with BLIP."
    )

    @Argument(help: "Image files (JPEG, PNG, WebP, GIF, HEIC, AVIF, TIFF).")
    var files: [String]

    @Option(name: .customLong("blip"), help: ArgumentHelp(
        "A BLIP captioning model folder (default: Salesforce/blip-image-captioning-base in the model cache).", valueName: "dir"))
    var blip: String?

    @Option(help: "Beams of the beam search; 1 is greedy.")
    var beams = 3

    @Option(name: .customLong("max-tokens"), help: "The most tokens to generate (default: 20 in all, as transformers).")
    var maxTokens: Int?

    @Option(help: "A text the caption must start with, such as \"a picture of\".")
    var prefix: String?

    @Flag(help: "Print one JSON document per file: {\"file\", \"caption\", \"score\", \"tokens\"}.")
    var json = false

    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard beams >= 1 else { throw ValidationError("--beams must be at least 1.") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
    }

    func run() async throws {
        let folder = try await ModelLocation.folder(explicit: blip, default: "Salesforce/blip-image-captioning-base", option: "--blip", runtime: runtime)
        let captioner = try BLIPCaptioner(directory: folder, runtime: OnnxRuntime.load(libraryPath: runtime.ortLibrary),
                                          compiledCache: GlimpseDirectories().compiled)
        let options = BLIPCaptioner.GenerationOptions(numBeams: beams, maxNewTokens: maxTokens, textPrefix: prefix)
        // Captions are printed run by run, so a long list shows progress and never sits in memory whole.
        var runs = DecodedImageRuns(files: files, size: options.maxBatchSize)
        try runs.forEachRun { decoded in
            let captions = try captioner.generate(images: decoded.map(\.image), options: options)
            for ((file, _), caption) in zip(decoded, captions) {
                let text = caption.text ?? caption.generatedTokenIDs.map(String.init).joined(separator: " ")
                if json {
                    struct Document: Encodable { var file: String; var caption: String; var score: Double; var tokens: [Int] }
                    print(try JSONLine.encode(Document(file: file, caption: text, score: caption.score, tokens: caption.tokenIDs)))
                } else {
                    print("\(file)\t\(text)")
                }
            }
        }
        if runs.failures > 0 { throw ExitCode(1) }
    }
}
