import Foundation
import GlimpseModels
import GlimpseRuntime

/// Main captions (3 beams, exactly 20 new tokens, vision pass included) for batches of several images, the
/// sizes alternating in one process so that the machine's drift hits them alike: what captioning a quick
/// pass's images together instead of one by one would save per image.
struct BLIPBeamBatchSweep {
    struct Row: Encodable {
        var images: Int
        /// Each round's time for the whole batch, in order.
        var milliseconds: [Double]
        /// The median round divided by the batch size.
        var medianMillisecondsPerImage: Double
    }

    var modelDirectory: URL
    var threads: Int
    var sizes: [Int]
    var rounds: Int

    func run() throws -> [Row] {
        let captioner = try BLIPCaptioner(directory: modelDirectory, runtime: .shared(), options: SessionOptions(intraOpThreads: threads))
        let size = captioner.configuration.visionConfig.imageSize
        var generator = SystemRandomNumberGenerator()
        var options = BLIPCaptioner.GenerationOptions(numBeams: 3, maxNewTokens: 20, minNewTokens: 20)
        options.maxBatchSize = sizes.max() ?? 1
        let batches = try sizes.map { batch in
            try Tensor(shape: [batch, 3, size, size],
                       floats: (0..<(batch * 3 * size * size)).map { _ in Float.random(in: -2...2, using: &generator) })
        }
        _ = try captioner.generate(pixelValues: batches[0], options: options)  // warm-up
        var times = Array(repeating: [Double](), count: sizes.count)
        for _ in 0..<rounds {
            for (index, batch) in batches.enumerated() {
                let start = ContinuousClock.now
                _ = try captioner.generate(pixelValues: batch, options: options)
                times[index].append((ContinuousClock.now - start) / .milliseconds(1))
            }
        }
        return zip(sizes, times).map { images, milliseconds in
            Row(images: images, milliseconds: milliseconds,
                medianMillisecondsPerImage: milliseconds.sorted()[milliseconds.count / 2] / Double(images))
        }
    }
}
