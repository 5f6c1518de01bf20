import Foundation
import GlimpseModels
import GlimpseRuntime

/// BLIP captioning as the design's BLIP-base targets measure it (`../shared/peers/torch_peer.py`): the
/// vision pass alone at batch 1, and captions of exactly 20 new tokens (`max_new_tokens = min_new_tokens
/// = 20`) from pixels, greedy and with 3 beams, for one image and for 16 crops in one batch.
struct BLIPBenchmark {
    struct Result: Encodable {
        var threads: Int
        var runs: Int
        var sessionCreationMilliseconds: Double
        var visionBatch1Milliseconds: Double
        var greedy20Milliseconds: Double
        var beam3Tokens20Milliseconds: Double
        var greedy20Batch16Milliseconds: Double
        var residentAfterRunsBytes: Int
    }

    var modelDirectory: URL
    var threads: Int
    var runs: Int

    func run() throws -> Result {
        let start = ContinuousClock.now
        let captioner = try BLIPCaptioner(directory: modelDirectory, runtime: .shared(),
                                          options: SessionOptions(intraOpThreads: threads))
        let creation = milliseconds(ContinuousClock.now - start)
        let size = captioner.configuration.visionConfig.imageSize
        func pixels(_ batch: Int) throws -> Tensor {
            var generator = SystemRandomNumberGenerator()
            return try Tensor(shape: [batch, 3, size, size],
                              floats: (0..<(batch * 3 * size * size)).map { _ in Float.random(in: -2...2, using: &generator) })
        }
        let one = try pixels(1), sixteen = try pixels(16)
        func exactly20(beams: Int) -> BLIPCaptioner.GenerationOptions {
            var options = BLIPCaptioner.GenerationOptions(numBeams: beams, maxNewTokens: 20, minNewTokens: 20)
            options.maxBatchSize = 16
            return options
        }
        let vision = try medianMilliseconds(runs: runs) { _ = try captioner.model.imageEmbeddings(pixelValues: one) }
        let greedy = try medianMilliseconds(runs: runs) {
            let captions = try captioner.generate(pixelValues: one, options: exactly20(beams: 1))
            precondition(captions[0].generatedTokenIDs.count == 20, "the benchmark must decode exactly 20 tokens")
        }
        let beam = try medianMilliseconds(runs: runs) { _ = try captioner.generate(pixelValues: one, options: exactly20(beams: 3)) }
        let batch = try medianMilliseconds(runs: max(1, runs / 3)) { _ = try captioner.generate(pixelValues: sixteen, options: exactly20(beams: 1)) }
        return Result(threads: threads, runs: runs, sessionCreationMilliseconds: creation, visionBatch1Milliseconds: vision,
                      greedy20Milliseconds: greedy, beam3Tokens20Milliseconds: beam, greedy20Batch16Milliseconds: batch,
                      residentAfterRunsBytes: residentBytes())
    }
}
