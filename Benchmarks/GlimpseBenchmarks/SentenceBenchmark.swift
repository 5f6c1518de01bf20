import Foundation
import GlimpseModels
import GlimpseRuntime

/// Sentence embeddings per second with all-MiniLM-L6-v2: tokenizer, encoder and pooling, in batches.
struct SentenceBenchmark {
    struct Result: Encodable {
        var threads: Int
        var sentences: Int
        var tokensPerSentence: Double
        var seconds: Double
        var sentencesPerSecond: Double
    }

    var modelDirectory: URL
    var threads: Int
    var count: Int

    /// About 16 tokens each with [CLS] and [SEP], varied so batches are padded as in real use.
    static func sentences(_ count: Int) -> [String] {
        let subjects = ["a black cat", "two small dogs", "an old man", "a red bicycle", "a wooden boat", "three children"]
        let verbs = ["sitting on", "running across", "leaning against", "lying next to", "looking at"]
        let places = ["a sunny beach near the sea", "a crowded street at night", "a green field with flowers",
                      "the kitchen table in the morning", "a snowy mountain road"]
        let times = ["in the late afternoon", "under a cloudy grey sky", "on a cold winter day", "at dawn"]
        return (0..<count).map { i in
            "\(subjects[i % subjects.count]) \(verbs[(i / 6) % verbs.count]) \(places[(i / 30) % places.count]) \(times[i % times.count])"
        }
    }

    func run() throws -> Result {
        let embedder = try SentenceEmbedder(directory: modelDirectory, runtime: .shared(),
                                            options: SessionOptions(intraOpThreads: threads))
        let texts = Self.sentences(count)
        let tokens = texts.map { Double(embedder.tokenizer.encode($0).count) }.reduce(0, +) / Double(count)
        _ = try embedder.embed(Array(texts.prefix(64)))
        let start = ContinuousClock.now
        _ = try embedder.embed(texts)
        let seconds = milliseconds(ContinuousClock.now - start) / 1e3
        return Result(threads: threads, sentences: count, tokensPerSentence: tokens, seconds: seconds,
                      sentencesPerSecond: Double(count) / seconds)
    }
}
