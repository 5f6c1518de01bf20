import Foundation
import GlimpseText

/// Short captions encoded per second, one at a time on one thread, for the CLIP and BERT tokenizers, and
/// how long loading each tokenizer's files takes (median of 7 loads; every `glimpse search` pays it).
struct TokenizerBenchmark {
    struct Result: Encodable {
        var captions: Int
        var clipPerSecond: Double
        var bertPerSecond: Double
        var clipLoadMilliseconds: Double
        var bertLoadMilliseconds: Double
    }

    var clipDirectory: URL
    var bertVocabulary: URL
    var count: Int

    func run() throws -> Result {
        let clip = try CLIPTokenizer(directory: clipDirectory)
        let bert = try BertTokenizer(vocabularyURL: bertVocabulary)
        let captions = SentenceBenchmark.sentences(count)
        func rate(_ encode: (String) -> [Int]) -> Double {
            var total = 0
            for caption in captions.prefix(500) { total &+= encode(caption).count }
            let start = ContinuousClock.now
            for caption in captions { total &+= encode(caption).count }
            let seconds = milliseconds(ContinuousClock.now - start) / 1e3
            precondition(total > 0)
            return Double(captions.count) / seconds
        }
        func load(_ body: () throws -> Void) throws -> Double {
            let times = try (0..<7).map { _ in
                let start = ContinuousClock.now
                try body()
                return milliseconds(ContinuousClock.now - start)
            }
            return times.sorted()[3]
        }
        return Result(captions: count, clipPerSecond: rate { clip.encode($0) }, bertPerSecond: rate { bert.encode($0) },
                      clipLoadMilliseconds: try load { _ = try CLIPTokenizer(directory: clipDirectory) },
                      bertLoadMilliseconds: try load { _ = try BertTokenizer(vocabularyURL: bertVocabulary) })
    }
}
