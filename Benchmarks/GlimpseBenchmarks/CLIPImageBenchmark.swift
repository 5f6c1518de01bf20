import Foundation
import GlimpseModels
import GlimpseRuntime

/// CLIP image embeddings from preprocessed pixels `[batch, 3, 224, 224]` at batch 1 and 8 (the whole
/// vision tower and projection), as the design's CLIP ViT-B/32 targets measure them.
struct CLIPImageBenchmark {
    struct Result: Encodable {
        var threads: Int
        var batch1Milliseconds: Double
        var batch8Milliseconds: Double
    }

    var modelDirectory: URL
    var threads: Int
    var runs: Int

    func run() throws -> Result {
        let model = try CLIPModel(directory: modelDirectory, runtime: .shared(), options: SessionOptions(intraOpThreads: threads))
        func median(batch: Int) throws -> Double {
            var generator = SystemRandomNumberGenerator()
            let pixels = try Tensor(shape: [batch, 3, 224, 224],
                                    floats: (0..<(batch * 3 * 224 * 224)).map { _ in Float.random(in: -2...2, using: &generator) })
            _ = try model.embed(pixelValues: pixels)
            var times: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                _ = try model.embed(pixelValues: pixels)
                times.append(milliseconds(ContinuousClock.now - start))
            }
            return times.sorted()[times.count / 2]
        }
        return Result(threads: threads, batch1Milliseconds: try median(batch: 1), batch8Milliseconds: try median(batch: 8))
    }
}
