import Foundation
import GlimpseModels
import GlimpseRuntime

/// Milliseconds per item of CLIP's towers at several batch sizes, the sizes alternating round by
/// round in one process so that a noisy machine affects them alike. This is what `CLIPModel`'s
/// automatic batch sizes are chosen from.
///
///     GlimpseBenchmarks clip MODEL_DIR --sweep [--threads N] [--runs N]
struct CLIPBatchSweep {
    struct Result: Encodable {
        var threads: Int
        var rounds: Int
        /// Batch size → median milliseconds per image.
        var imageMillisecondsPerItem: [String: Double]
        /// Batch size → median milliseconds per text of 16 tokens.
        var textMillisecondsPerItem: [String: Double]
    }

    var modelDirectory: URL
    var threads: Int
    var rounds: Int
    var imageBatches = [1, 2, 4, 8, 16]
    var textBatches = [1, 4, 16, 64]

    func run() throws -> Result {
        let model = try CLIPModel(directory: modelDirectory, runtime: .shared(), options: SessionOptions(intraOpThreads: threads))
        var generator = SystemRandomNumberGenerator()
        let size = model.configuration.visionConfig.imageSize
        let vocabulary = Int64(model.configuration.textConfig.vocabSize)
        let pixels = try Dictionary(uniqueKeysWithValues: imageBatches.map { batch in
            (batch, try Tensor(shape: [batch, 3, size, size],
                               floats: (0..<(batch * 3 * size * size)).map { _ in Float.random(in: -2...2, using: &generator) }))
        })
        let ids = try Dictionary(uniqueKeysWithValues: textBatches.map { batch in
            (batch, try Tensor(shape: [batch, 16], int64s: (0..<(batch * 16)).map { _ in Int64.random(in: 0..<vocabulary, using: &generator) }))
        })
        var imageTimes: [Int: [Double]] = [:], textTimes: [Int: [Double]] = [:]
        for round in 0...rounds {  // round 0 warms every shape up and is not counted
            for batch in imageBatches {
                let start = ContinuousClock.now
                _ = try model.embed(pixelValues: pixels[batch]!)
                if round > 0 { imageTimes[batch, default: []].append(milliseconds(ContinuousClock.now - start) / Double(batch)) }
            }
            for batch in textBatches {
                let start = ContinuousClock.now
                _ = try model.embed(inputIDs: ids[batch]!)
                if round > 0 { textTimes[batch, default: []].append(milliseconds(ContinuousClock.now - start) / Double(batch)) }
            }
        }
        func medians(_ times: [Int: [Double]]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: times.map { (String($0.key), $0.value.sorted()[$0.value.count / 2]) })
        }
        return Result(threads: threads, rounds: rounds, imageMillisecondsPerItem: medians(imageTimes),
                      textMillisecondsPerItem: medians(textTimes))
    }
}
