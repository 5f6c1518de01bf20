import ArgumentParser
import Foundation
import GlimpseDescribe
import GlimpseIndex
import GlimpseModels
import GlimpseRuntime

/// `glimpse import FILE.jsonl`: add images with descriptions that already exist (human captions, alt text).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import existing descriptions from a JSON Lines file.",
        discussion: """
            One JSON object per line: {"path": "photos/a.jpg", "caption": "...", "regions": [{"caption": "...", \
            "box": [x, y, width, height]}], "keywords": ["..."], "taken": "2019-07-14T15:02:11"} — regions, box, keywords and taken \
            (when the photo was taken: a date with or without its time, a month such as 1991-06, or a year) are optional; relative \
            paths are taken from the file's folder. Malformed lines are reported with their numbers and the rest is \
            imported. Text embeddings are computed with MiniLM and image embeddings with CLIP (for files that exist) \
            when those models are in the model cache or named with --minilm / --clip.
            """
    )

    @Argument(help: "The JSON Lines file.")
    var file: String

    @Flag(name: .customLong("no-embeddings"), help: "Store the descriptions only; compute no embeddings.")
    var noEmbeddings = false

    @Option(name: .customLong("clip"), help: ArgumentHelp("A CLIP model folder for image embeddings.", valueName: "dir"))
    var clip: String?

    @Option(name: .customLong("minilm"), help: ArgumentHelp("A sentence-embedding model folder for text embeddings.", valueName: "dir"))
    var minilm: String?

    @Option(name: .customLong("ort-library"), help: ArgumentHelp("Path of the ONNX Runtime shared library.", valueName: "path"))
    var ortLibrary: String?

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let url = URL(filePath: file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("\(file) does not exist. Give a JSON Lines file (one JSON object per line).")
        }
        let store = try location.open()
        var options = ImportOptions(keywords: KeywordExtractorChoice.make())
        if !noEmbeddings { loadModels(into: &options) }
        let report = try store.importDescriptions(from: url, options: options) { imported in
            if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[2Kimported \(imported)".utf8)) }
        }
        if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        for line in report.malformed {
            FileHandle.standardError.write(Data("glimpse: \(file):\(line.line): \(line.message)\n".utf8))
        }
        var summary = "Imported \(report.imported) description(s)"
        if report.replaced > 0 { summary += " (\(report.replaced) replaced)" }
        summary += "; \(report.filesFound) with an existing file, \(report.textEmbeddings) text and \(report.imageEmbeddings) image embedding(s)"
        if !report.malformed.isEmpty { summary += "; \(report.malformed.count) malformed line(s) skipped" }
        print(summary + " — index \(location.url.path)")
        if !report.malformed.isEmpty { throw ExitCode(1) }
    }

    /// CLIP and MiniLM when their folders exist (never downloads); says on standard error what is missing.
    private func loadModels(into options: inout ImportOptions) {
        let models = OptionalModels(clip: clip, minilm: minilm, ortLibrary: ortLibrary,
                                    withoutCLIP: "no image embeddings", withoutMiniLM: "no text embeddings")
        options.imageText = models.clip
        options.sentences = models.sentences
        models.notes.forEach(note)
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(text)\n".utf8))
    }
}
