import Foundation
import GlimpseImage

/// Decoding a photo and CLIP's preprocessing on one core: exact (Pillow-equal) and the DCT-scaling fast path.
struct ImageBenchmark {
    struct Result: Encodable {
        var megapixels: Double
        var decodeMilliseconds: Double
        var decodeAndCLIPMilliseconds: Double
        var decodeAndCLIPFastMilliseconds: Double
    }

    var file: URL
    var runs: Int

    func run() throws -> Result {
        let clip = ImagePreprocessor(.clip)
        let image = try ImageDecoder.decode(contentsOf: file)
        func best(_ body: () throws -> Void) rethrows -> Double {
            try body()
            var times: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                try body()
                times.append(milliseconds(ContinuousClock.now - start))
            }
            return times.sorted()[times.count / 2]
        }
        return Result(
            megapixels: Double(image.width * image.height) / 1e6,
            decodeMilliseconds: try best { _ = try ImageDecoder.decode(contentsOf: file) },
            decodeAndCLIPMilliseconds: try best { _ = try clip(contentsOf: [file]) },
            decodeAndCLIPFastMilliseconds: try best { _ = try clip(contentsOf: [file], fast: true) })
    }
}
