import ArgumentParser
import GlimpseModels
import GlimpseRuntime

@main
struct Glimpse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glimpse",
        abstract: "Find images by detailed descriptions.",
        version: GlimpseVersion.current,
        subcommands: [DoctorCommand.self, ModelsCommand.self, CaptionCommand.self, DescribeCommand.self, SegmentCommand.self, EmbedCommand.self, RankCommand.self, IndexCommand.self, StatusCommand.self, BackupCommand.self, RestoreCommand.self, ForgetCommand.self, RelocateCommand.self, ImportCommand.self, ExportCommand.self, SearchCommand.self, SimilarCommand.self, DuplicatesCommand.self, EvalCommand.self, ServeCommand.self]
    )

    /// The commands whose models write gigabytes of fresh memory, and the doctor, which reports on it. Starting
    /// again costs about 13 ms, which the quick commands (status, search) are spared.
    static let hugePageCommands: Set<String> = ["caption", "describe", "segment", "embed", "rank", "index", "similar", "eval", "serve", "doctor"]

    /// Starts again with huge pages for the models' memory when it can (``HugePageMemory``), then runs the command.
    static func main() async {
        if let command = CommandLine.arguments.dropFirst().first, hugePageCommands.contains(command) {
            HugePageMemory.restartIfNeeded()
        }
        await main(nil)
    }
}

/// Options every command that runs a model accepts.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("ort-library"), help: ArgumentHelp(
        "Path of the ONNX Runtime shared library (default: $GLIMPSE_ORT_LIBRARY, then the bootstrap folder, then the system).",
        valueName: "path"))
    var ortLibrary: String?

    @Flag(name: .shortAndLong, help: "Download a missing default model without asking.")
    var yes = false
}

/// `--clip DIR` and the runtime options, for the commands that run CLIP.
struct CLIPOptions: ParsableArguments {
    @Option(name: .customLong("clip"), help: ArgumentHelp(
        "A CLIP model folder (default: openai/clip-vit-base-patch32 in the model cache).", valueName: "dir"))
    var folder: String?

    @OptionGroup var runtime: RuntimeOptions

    /// - Parameter prepacking: false for a run or two (packing the weights costs more than it saves then).
    func load(prepacking: Bool = true) async throws -> CLIPModel {
        let directory = try await ModelLocation.folder(explicit: folder, default: "openai/clip-vit-base-patch32", option: "--clip",
                                                       runtime: runtime)
        return try CLIPModel(directory: directory, runtime: OnnxRuntime.load(libraryPath: runtime.ortLibrary),
                             options: SessionOptions(prepacking: prepacking), compiledCache: GlimpseDirectories().compiled)
    }
}
