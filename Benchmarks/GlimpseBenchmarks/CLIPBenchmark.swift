import Foundation
import GlimpseModels
import GlimpseRuntime

/// CLIP as the design's ViT-B/32 targets measure it: image embeddings from preprocessed pixels
/// `[batch, 3, 224, 224]` at batch 1 and 8 (the whole vision tower and projection), and text embeddings
/// of a batch of 8 queries of 16 tokens (`input_ids [8, 16]`, the text tower and projection).
struct CLIPBenchmark {
    struct Result: Encodable {
        var threads: Int
        var batch1Milliseconds: Double
        var batch8Milliseconds: Double
        var textBatch8Milliseconds: Double
    }

    var modelDirectory: URL
    var threads: Int
    var runs: Int

    func run() throws -> Result {
        let model = try CLIPModel(directory: modelDirectory, runtime: .shared(), options: SessionOptions(intraOpThreads: threads))
        var generator = SystemRandomNumberGenerator()
        func image(batch: Int) throws -> Double {
            let pixels = try Tensor(shape: [batch, 3, 224, 224],
                                    floats: (0..<(batch * 3 * 224 * 224)).map { _ in Float.random(in: -2...2, using: &generator) })
            return try medianMilliseconds(runs: runs) { _ = try model.embed(pixelValues: pixels) }
        }
        let vocabulary = Int64(model.configuration.textConfig.vocabSize)
        let ids = try Tensor(shape: [8, 16], int64s: (0..<(8 * 16)).map { _ in Int64.random(in: 0..<vocabulary, using: &generator) })
        return Result(threads: threads, batch1Milliseconds: try image(batch: 1), batch8Milliseconds: try image(batch: 8),
                      textBatch8Milliseconds: try medianMilliseconds(runs: runs) { _ = try model.embed(inputIDs: ids) })
    }
}
