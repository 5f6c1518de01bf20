import ArgumentParser
import GlimpseRuntime

@main
struct Glimpse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glimpse",
        abstract: "Find images by detailed descriptions.",
        version: GlimpseVersion.current,
        subcommands: [DoctorCommand.self, EmbedCommand.self, RankCommand.self]
    )
}

/// Options every command that runs a model accepts.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("ort-library"), help: ArgumentHelp(
        "Path of the ONNX Runtime shared library (default: $GLIMPSE_ORT_LIBRARY, then the bootstrap folder, then the system).",
        valueName: "path"))
    var ortLibrary: String?
}
