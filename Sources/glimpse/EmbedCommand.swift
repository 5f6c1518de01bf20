import ArgumentParser
import Foundation
import GlimpseModels
import GlimpseRuntime

/// `glimpse embed …`: print embedding vectors.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print embedding vectors.",
        subcommands: [EmbedImageCommand.self, EmbedTextCommand.self, EmbedSentenceCommand.self]
    )
}

/// `glimpse embed image FILE…`: CLIP image embeddings.
struct EmbedImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Print the CLIP image embedding of each image file (unit length)."
    )

    @Argument(help: "Image files (JPEG, PNG, WebP, GIF, HEIC, AVIF, TIFF).")
    var files: [String]

    @Flag(help: "Print one JSON document per file: {\"file\": …, \"embedding\": […]}.")
    var json = false

    @OptionGroup var clip: CLIPOptions

    func run() async throws {
        let model = try await clip.load()
        var runs = DecodedImageRuns(files: files, size: model.batching.images)
        try runs.forEachRun { decoded in
            let embeddings = try model.embed(images: decoded.map(\.image))
            let width = embeddings.shape[1], values = try embeddings.floats()
            for (row, item) in decoded.enumerated() {
                let vector = Array(values[(row * width)..<((row + 1) * width)])
                print(json ? try EmbeddingOutput.json(file: item.file, vector: vector) : EmbeddingOutput.plain(text: item.file, vector: vector))
            }
        }
        if runs.failures > 0 { throw ExitCode(1) }
    }
}

/// `glimpse embed text "…"`: CLIP text embeddings, in the space of the image embeddings.
struct EmbedTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Print the CLIP text embedding of each text (unit length, comparable with image embeddings)."
    )

    @Argument(help: "The texts to embed.")
    var texts: [String]

    @Flag(help: "Print one JSON document per text: {\"text\": …, \"embedding\": […]}.")
    var json = false

    @OptionGroup var clip: CLIPOptions

    func run() async throws {
        let model = try await clip.load()
        let embeddings = try model.embed(texts: texts)
        let width = embeddings.shape[1]
        let values = try embeddings.floats()
        for (row, text) in texts.enumerated() {
            let vector = Array(values[(row * width)..<((row + 1) * width)])
            print(json ? try EmbeddingOutput.json(text: text, vector: vector) : EmbeddingOutput.plain(text: text, vector: vector))
        }
    }
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
        let folder = try await ModelLocation.folder(explicit: model, default: "sentence-transformers/all-MiniLM-L6-v2", option: "--model", runtime: runtime)
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
        return try JSONLine.encode(Document(text: text, embedding: vector))
    }

    static func json(file: String, vector: [Float]) throws -> String {
        struct Document: Encodable { var file: String; var embedding: [Float] }
        return try JSONLine.encode(Document(file: file, embedding: vector))
    }

    /// The text, then the vector's values separated by spaces.
    static func plain(text: String, vector: [Float]) -> String {
        "\(text)\t" + vector.map { String(format: "%.6f", $0) }.joined(separator: " ")
    }
}

/// An error about one input file, with the file's name in front.
struct FileError: LocalizedError {
    var file: String
    var error: any Error
    var errorDescription: String? { "\(file): \(error.localizedDescription)" }
}
