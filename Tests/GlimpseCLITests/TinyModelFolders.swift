import Foundation

/// The tiny random models of GlimpseModelsTests' fixtures as complete model folders, for commands run
/// with `--blip`, `--sam`, `--clip` and `--minilm` (`tiny-model-folders.json` lists each folder's files).
struct TinyModelFolders {
    let root: URL

    /// Copies the folders into `root`.
    init(in root: URL) throws {
        self.root = root
        let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
        let layout = try JSONDecoder().decode([String: [String]].self,
                                              from: Data(contentsOf: fixtures.appending(path: "tiny-model-folders.json")))
        for (name, sources) in layout {
            let folder = root.appending(path: name, directoryHint: .isDirectory)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for source in sources {
                let file = fixtures.appending(path: source)
                try FileManager.default.copyItem(at: file, to: folder.appending(path: file.lastPathComponent))
            }
        }
    }

    /// The model options of `describe` and `index`.
    var describeArguments: [String] {
        ["--blip", path("tiny-blip"), "--sam", path("tiny-sam")] + searchArguments
    }

    /// The model options of `search`.
    var searchArguments: [String] { ["--clip", path("tiny-clip"), "--minilm", path("tiny-bert")] }

    private func path(_ name: String) -> String { root.appending(path: name).path }
}
