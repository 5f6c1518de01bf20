import Foundation

/// The tiny random models of GlimpseModelsTests' fixtures as complete model folders
/// (`Fixtures/tiny-model-folders`), for commands run with `--blip`, `--sam`, `--clip` and `--minilm`.
enum TinyModelFolders {
    static let root = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-model-folders")

    /// The model options of `describe` and `index`.
    static var describeArguments: [String] {
        ["--blip", path("tiny-blip"), "--sam", path("tiny-sam")] + searchArguments
    }

    /// The model options of `search`.
    static var searchArguments: [String] { clipArguments + ["--minilm", path("tiny-bert")] }

    /// The model option of `similar` and `embed`.
    static var clipArguments: [String] { ["--clip", path("tiny-clip")] }

    private static func path(_ name: String) -> String { root.appending(path: name).path }
}
