import Foundation
import GlimpseDescribe
import GlimpseIndex
import GlimpseModels
import GlimpseRuntime
import GlimpseSearch
import GlimpseText

/// `Searcher.search` end to end over an index: parsing (WordNet keywords), the query's MiniLM
/// embedding, full text, vector search over the text matrix, fusion, negation and explanations.
///
/// The index's vectors are synthetic (the latency does not depend on what they mean); the query
/// encoder is the real all-MiniLM-L6-v2. With a CLIP folder (random full-size weights do: only time is
/// measured) CLIP's text tower encodes the query and the negated concepts, and the image and region
/// matrices are searched too.
struct SearchLatencyBenchmark {
    struct Result: Encodable {
        var images: Int
        var queries: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var meanMilliseconds: Double
        /// The query encoder alone, p50 (part of the above).
        var encoderP50Milliseconds: Double
        /// CLIP's text tower alone on the query's prompt, p50 (part of the above), when CLIP is used.
        var clipEncoderP50Milliseconds: Double?
        /// Each stage's p50 as `SearchResponse.timings` reports it: clipText, ranker names, fusion, negation,
        /// explanations, and parsing (the total less the stages).
        var stageP50Milliseconds: [String: Double]
        /// One cold search as a new process runs it (see `run`), by step.
        var coldStartMilliseconds: [String: Double]
        /// Queries with one word misspelt (two neighbouring letters swapped): the first (which reads the
        /// vocabulary of suggestions unless a query before had an unknown word), the p50 of the rest, and how
        /// many got the word back as a suggestion.
        var misspelt: Misspelt
    }

    struct Misspelt: Encodable {
        var queries: Int
        var firstMilliseconds: Double
        var p50Milliseconds: Double
        var suggestedBack: Int
    }

    var store: SQLiteIndexStore
    var minilm: URL
    var clip: URL? = nil
    var threads: Int
    var queries: Int

    static let phrasings = ["%@ on %@", "%@ near %@ but no cartoon", "%@ without people", "a photo of %@ with %@",
                            "%@ and %@, not at night"]

    func run(images: Int, subjects: [String], places: [String]) throws -> Result {
        // What one `glimpse search` process does before its answer, the page cache warm: open the
        // index, load WordNet and the models, run the first query (postings and matrices mapped).
        // `glimpse search` reads WordNet and the tokenizers from compiled copies that an earlier process
        // wrote: write them now, into a cache folder of this run, before the clock starts.
        let compiled = FileManager.default.temporaryDirectory.appending(path: "glimpse-search-bench-compiled-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: compiled) }
        _ = try Lexicon(compiledCache: compiled)
        if let vocabulary = try ModelDirectory(url: minilm).vocabTextURL { _ = try BertTokenizer(vocabularyURL: vocabulary, compiledCache: compiled) }
        if let clip { _ = try CLIPTokenizer(directory: clip, compiledCache: compiled) }
        var cold: [String: Double] = [:]
        var step = ContinuousClock.now
        func lap(_ name: String) {
            cold[name] = (ContinuousClock.now - step) / .milliseconds(1)
            step = .now
        }
        let coldStart = step
        let opened = try store.url.map { try SQLiteIndexStore(url: $0) } ?? store
        lap("openIndex")
        let keywords = try KeywordExtractor.standard(compiledCache: compiled)
        lap("loadWordNet")
        // Models without pre-packing, as `glimpse search` loads them.
        func models(_ options: SessionOptions) throws -> (MiniLMSentenceEncoder, CLIPImageTextEmbedder?) {
            let encoder = MiniLMSentenceEncoder(try SentenceEmbedder(directory: minilm, runtime: .shared(), options: options,
                                                                     compiledCache: compiled))
            lap("loadMiniLM")
            let clipModel = try clip.map {
                CLIPImageTextEmbedder(try CLIPModel(directory: $0, runtime: .shared(), options: options, towers: .text,
                                                    compiledCache: compiled))
            }
            if clip != nil { lap("loadCLIP") }
            return (encoder, clipModel)
        }
        let (coldEncoder, coldCLIP) = try models(SessionOptions(prepacking: false))
        _ = try Searcher(index: opened, keywords: keywords, clip: coldCLIP, sentences: coldEncoder, vectors: ExactVectorSearch(threads: threads))
            .search("a black cat near a sunny beach but no cartoon")
        lap("firstSearch")
        cold["total"] = (ContinuousClock.now - coldStart) / .milliseconds(1)
        let coldSteps = cold
        // The warm figures: models with pre-packed weights, as a long-running process (eval, a server) loads them.
        let (encoder, clipModel) = try models(SessionOptions())
        cold = coldSteps
        let searcher = Searcher(index: opened, keywords: keywords, clip: clipModel, sentences: encoder,
                                vectors: ExactVectorSearch(threads: threads))
        var generator = IndexScaleBenchmark.Generator(state: 11)
        let texts = (0..<queries).map { _ -> String in
            let pattern = Self.phrasings.randomElement(using: &generator)!
            return String(format: pattern, subjects.randomElement(using: &generator)!, places.randomElement(using: &generator)!)
        }
        _ = try searcher.search(texts[0])  // warm: sidecar mapped, sessions created, caches filled
        var total: [Double] = [], encoding: [Double] = [], clipEncoding: [Double] = []
        var stages: [String: [Double]] = [:]
        for text in texts {
            let encodeStart = ContinuousClock.now
            _ = try encoder.embed(sentences: [text])
            encoding.append((ContinuousClock.now - encodeStart) / .milliseconds(1))
            if let clipModel {
                let clipStart = ContinuousClock.now
                _ = try clipModel.embed(texts: ["a photo of " + text])
                clipEncoding.append((ContinuousClock.now - clipStart) / .milliseconds(1))
            }
            let start = ContinuousClock.now
            let timings = try searcher.search(text).timings
            total.append((ContinuousClock.now - start) / .milliseconds(1))
            for (kind, milliseconds) in timings.rankers { stages[kind.rawValue, default: []].append(milliseconds) }
            stages["clipText", default: []].append(timings.clipText)
            stages["fusion", default: []].append(timings.fusion)
            stages["negation", default: []].append(timings.negation)
            stages["explanations", default: []].append(timings.explanations)
            let staged = timings.clipText + timings.rankers.values.reduce(0, +) + timings.fusion + timings.negation + timings.explanations
            stages["parsing", default: []].append(timings.total - staged)
        }
        let misspelt = try measureMisspelt(searcher: searcher, subjects: subjects, places: places)
        total.sort()
        encoding.sort()
        clipEncoding.sort()
        return Result(images: images, queries: queries, p50Milliseconds: total[total.count / 2],
                      p99Milliseconds: total[min(total.count - 1, total.count * 99 / 100)],
                      meanMilliseconds: total.reduce(0, +) / Double(total.count),
                      encoderP50Milliseconds: encoding[encoding.count / 2],
                      clipEncoderP50Milliseconds: clipEncoding.isEmpty ? nil : clipEncoding[clipEncoding.count / 2],
                      stageP50Milliseconds: stages.mapValues { $0.sorted()[$0.count / 2] },
                      coldStartMilliseconds: cold, misspelt: misspelt)
    }

    /// Searches 50 queries phrased as the others, each with one word of its subject or place misspelt: the
    /// longest, its second and third letters swapped (words whose two letters are equal are passed over).
    private func measureMisspelt(searcher: Searcher, subjects: [String], places: [String]) throws -> Misspelt {
        var generator = IndexScaleBenchmark.Generator(state: 23)
        var times: [Double] = []
        var suggestedBack = 0
        while times.count < 50 {
            let pattern = Self.phrasings.randomElement(using: &generator)!
            var parts = [subjects.randomElement(using: &generator)!, places.randomElement(using: &generator)!]
            let part = times.count % 2
            var words = parts[part].split(separator: " ").map(String.init)
            guard let longest = words.indices.filter({ words[$0].count >= 5 && Array(words[$0])[1] != Array(words[$0])[2] })
                .max(by: { words[$0].count < words[$1].count }) else { continue }
            let original = words[longest]
            var letters = Array(original)
            letters.swapAt(1, 2)
            words[longest] = String(letters)
            parts[part] = words.joined(separator: " ")
            let start = ContinuousClock.now
            let response = try searcher.search(String(format: pattern, parts[0], parts[1]))
            times.append((ContinuousClock.now - start) / .milliseconds(1))
            if response.unknownWords?.contains(where: { $0.suggestion == original }) == true { suggestedBack += 1 }
        }
        let rest = times.dropFirst().sorted()
        return Misspelt(queries: times.count, firstMilliseconds: times[0], p50Milliseconds: rest[rest.count / 2], suggestedBack: suggestedBack)
    }
}
