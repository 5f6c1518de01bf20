import ArgumentParser
import Foundation
import GlimpseModels
import GlimpseRuntime

/// `glimpse rank IMAGE "text 1" "text 2" …`: CLIP's zero-shot ranking of texts against one image.
struct RankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank texts by how well CLIP says they describe an image, as percentages."
    )

    @Argument(help: "The image file.")
    var image: String

    @Argument(help: "Two or more candidate descriptions.")
    var texts: [String]

    @Flag(help: "Print JSON: [{\"text\": …, \"probability\": …}], best first.")
    var json = false

    @OptionGroup var clip: CLIPOptions

    func validate() throws {
        guard !texts.isEmpty else { throw ValidationError("Give at least one text to rank.") }
    }

    func run() async throws {
        let model = try await clip.load()
        let embedding: Tensor
        do {
            embedding = try model.embed(contentsOf: [URL(filePath: image)])
        } catch {
            throw FileError(file: image, error: error)
        }
        let ranked = zip(texts, try model.zeroShot(imageEmbedding: embedding, texts: texts))
            .sorted { $0.1 > $1.1 }
        if json {
            struct Entry: Encodable { var text: String; var probability: Float }
            print(try JSONLine.encode(ranked.map { Entry(text: $0.0, probability: $0.1) }))
        } else {
            for (text, probability) in ranked { print(String(format: "%6.2f%%", probability * 100) + "  " + text) }
        }
    }
}
