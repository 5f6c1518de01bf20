import ArgumentParser
import Foundation
import GlimpseModels
import GlimpseRuntime

/// `glimpse embed …`: print embedding vectors.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print embedding vectors.",
        subcommands: [EmbedSentenceCommand.self]
    )
}

/// `glimpse embed sentence "…"`: sentence embeddings (all-MiniLM-L6-v2 by default).
struct EmbedSentenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentence",
        abstract: "Print the sentence embedding of each text (mean-pooled, unit length)."
    )

    @Argument(help: "The texts to embed.")
    var texts: [String]

    @Option(name: .customLong("model"), help: ArgumentHelp(
        "A sentence-transformers model folder (default: all-MiniLM-L6-v2 in the model cache).", valueName: "dir"))
    var model: String?

    @Flag(help: "Print one JSON document per text: {\"text\": …, \"embedding\": […]}.")
    var json = false

    @OptionGroup var runtime: RuntimeOptions

    func run() async throws {
        let folder = try ModelLocation.folder(explicit: model, default: "sentence-transformers/all-MiniLM-L6-v2")
        let embedder = try SentenceEmbedder(directory: folder, runtime: OnnxRuntime.load(libraryPath: runtime.ortLibrary))
        let vectors = try embedder.embed(texts)
        for (text, vector) in zip(texts, vectors) {
            print(json ? try EmbeddingOutput.json(text: text, vector: vector) : EmbeddingOutput.plain(text: text, vector: vector))
        }
    }
}

/// How embeddings are printed.
enum EmbeddingOutput {
    static func json(text: String, vector: [Float]) throws -> String {
        struct Document: Encodable { var text: String; var embedding: [Float] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Document(text: text, embedding: vector)), as: UTF8.self)
    }

    /// The text, then the vector's values separated by spaces.
    static func plain(text: String, vector: [Float]) -> String {
        "\(text)\t" + vector.map { String(format: "%.6f", $0) }.joined(separator: " ")
    }
}

/// Where a command finds a model: the folder given on the command line, else the model cache.
enum ModelLocation {
    static func folder(explicit: String?, default repository: String) throws -> URL {
        if let explicit { return URL(filePath: explicit, directoryHint: .isDirectory) }
        let folder = GlimpseDirectories().modelFolder(repository: repository)
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw ValidationError("""
                The model \(repository) is not in \(folder.path).
                Place its files there (config.json, model.safetensors and the tokenizer files from \
                https://huggingface.co/\(repository)), or name a model folder with --model.
                """)
        }
        return folder
    }
}
