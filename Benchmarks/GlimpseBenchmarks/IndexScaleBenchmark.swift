import Foundation
import GlimpseDescribe
import GlimpseIndex

/// The index at scale: N synthetic descriptions (BLIP-like captions, two region captions, keywords,
/// compounds) imported through `importDescriptions`, with synthetic unit text embeddings.
///
/// Reports import time (and the share spent making the synthetic vectors), database bytes per image
/// with and without embeddings, the first `embeddingMatrix` (sidecar build), mapping it from a fresh
/// store, and `fullTextMatches` latency p50/p99 over random one- to three-word queries, from the
/// full-text postings and, for comparison, from SQLite's `bm25()`.
struct IndexScaleBenchmark {
    struct Result: Encodable {
        var images: Int
        var dimension: Int
        /// Import of the descriptions without embeddings.
        var importSeconds: Double
        /// Time the synthetic encoder took in the second import (with embeddings).
        var vectorSeconds: Double
        var databaseBytesPerImage: Double
        var embeddingBytesPerImage: Double
        var sidecarBytes: Int64
        var matrixBuildSeconds: Double
        var matrixMapMilliseconds: Double
        var matrixWarmMilliseconds: Double
        var fullTextQueries: Int
        var fullTextP50Milliseconds: Double
        var fullTextP99Milliseconds: Double
        var fullTextMeanHits: Double
        /// The same queries ranked by SQLite's `bm25()` (the postings file removed), p50/p99.
        var sqliteBM25P50Milliseconds: Double
        var sqliteBM25P99Milliseconds: Double
        /// Building the full-text postings (`prepareForSearch`) and their file's size.
        var postingsBuildSeconds: Double
        var postingsBytes: Int64
        /// `glimpse search`'s work end to end, when a MiniLM folder was given.
        var search: SearchLatencyBenchmark.Result?
    }

    var count: Int
    var dimension: Int
    var queries: Int
    /// all-MiniLM-L6-v2, for the end-to-end search latency; nil skips it.
    var minilm: URL? = nil
    /// A CLIP folder: the search latency then runs on a store with image and region embeddings too
    /// (`FullIndexBuilder`), with CLIP's text tower in every query.
    var clip: URL? = nil

    static let subjects = ["a black cat", "two small dogs", "an old man", "a red bicycle", "a wooden boat", "three children",
                           "a woman in a blue dress", "a brown horse", "a yellow taxi", "a group of people"]
    static let verbs = ["sitting on", "running across", "leaning against", "lying next to", "looking at", "standing near"]
    static let places = ["a sunny beach", "a crowded street at night", "a green field with flowers", "the kitchen table",
                         "a snowy mountain road", "a cutting board", "a leather sofa", "a wooden fence", "a city park"]
    static let details = ["a knife on a cutting board", "a cup of coffee", "a white cloud in the sky", "a street sign",
                          "a pair of shoes", "a red umbrella", "a stack of books", "a potted plant", "a dog collar"]

    /// A small random generator with a fixed seed, so runs compare.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Pseudo-random unit vectors, timed.
    final class SyntheticSentences: SentenceEncoding, @unchecked Sendable {
        // Touched by one import at a time (the benchmark's only caller).
        let dimension: Int
        var seconds: Double = 0
        var generator = Generator(state: 7)
        init(dimension: Int) { self.dimension = dimension }
        func embed(sentences: [String]) throws -> [[Float]] {
            let start = ContinuousClock.now
            defer { seconds += (ContinuousClock.now - start) / .seconds(1) }
            return sentences.map { _ in
                var vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
                let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
                for index in vector.indices { vector[index] /= norm }
                return vector
            }
        }
    }

    func jsonLines() -> Data {
        var generator = Generator(state: 1)
        var data = Data()
        let encoder = JSONEncoder()
        struct Line: Encodable {
            var path: String
            var caption: String
            var regions: [Region]
            var keywords: [String]
            struct Region: Encodable { var caption: String; var box: [Int] }
        }
        for index in 0..<count {
            let caption = "\(Self.subjects.randomElement(using: &generator)!) \(Self.verbs.randomElement(using: &generator)!) "
                + Self.places.randomElement(using: &generator)!
            let regions = (0..<2).map { _ in
                Line.Region(caption: Self.details.randomElement(using: &generator)!,
                            box: [Int.random(in: 0..<400, using: &generator), Int.random(in: 0..<300, using: &generator), 120, 90])
            }
            let words = (caption + " " + regions.map(\.caption).joined(separator: " ")).split(separator: " ")
                .map(String.init).filter { $0.count > 3 }
            let keywords = Array(Set(words)).sorted() + ["\(words.first ?? "x")-\(words.last ?? "y")"]
            let line = Line(path: "/synthetic/\(index / 1000)/img\(index).jpg", caption: caption, regions: regions, keywords: keywords)
            data.append(try! encoder.encode(line))
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    func run() throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-index-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = jsonLines()

        // Descriptions only (the issue's import target excludes text embeddings).
        let plainURL = folder.appending(path: "plain/index.sqlite")
        let plain = try SQLiteIndexStore(url: plainURL)
        let importStart = ContinuousClock.now
        _ = try plain.importDescriptions(jsonLines: lines, options: ImportOptions(batchSize: 1000))
        let importSeconds = (ContinuousClock.now - importStart) / .seconds(1)
        try plain.checkpoint()
        let plainBytes = Self.size(plainURL) + Self.size(URL(filePath: plainURL.path + "-wal"))

        // The same with synthetic text embeddings.
        let url = folder.appending(path: "vectors/index.sqlite")
        let store = try SQLiteIndexStore(url: url)
        let sentences = SyntheticSentences(dimension: dimension)
        _ = try store.importDescriptions(jsonLines: lines, options: ImportOptions(sentences: sentences, batchSize: 1000))
        try store.checkpoint()
        let fullBytes = Self.size(url) + Self.size(URL(filePath: url.path + "-wal"))

        let buildStart = ContinuousClock.now
        let matrix = try store.embeddingMatrix(.text)
        let buildSeconds = (ContinuousClock.now - buildStart) / .seconds(1)
        precondition(matrix.rows == count)

        let fresh = try SQLiteIndexStore(url: url)
        let mapStart = ContinuousClock.now
        _ = try fresh.embeddingMatrix(.text)
        let mapMilliseconds = (ContinuousClock.now - mapStart) / .milliseconds(1)
        let warmStart = ContinuousClock.now
        for _ in 0..<100 { _ = try fresh.embeddingMatrix(.text) }
        let warmMilliseconds = (ContinuousClock.now - warmStart) / .milliseconds(1) / 100

        var generator = Generator(state: 3)
        let vocabulary = Array(Set((Self.subjects + Self.verbs + Self.places + Self.details)
            .flatMap { $0.split(separator: " ").map(String.init) }.filter { $0.count > 3 })).sorted()
        let expressions = (0..<queries).map { _ in
            let terms = (0..<Int.random(in: 1...3, using: &generator)).map { _ in vocabulary.randomElement(using: &generator)! }
            return FullTextExpression(anyOf: terms, compounds: [terms.joined(separator: "-")])!
        }
        var hits = 0
        func measure(_ store: SQLiteIndexStore) throws -> [Double] {
            try expressions.map { expression in
                let start = ContinuousClock.now
                hits += try store.fullTextMatches(expression, limit: 100).count
                return (ContinuousClock.now - start) / .milliseconds(1)
            }.sorted()
        }
        let latencies = try measure(fresh)

        // Without the postings file a new store ranks with SQLite's bm25(); then it builds the file.
        let postingsFile = store.vectorsFolder!.appending(path: "fulltext.postings")
        let postingsBytes = Self.size(postingsFile)
        try FileManager.default.removeItem(at: postingsFile)
        let withoutPostings = try SQLiteIndexStore(url: url)
        let sqliteLatencies = try measure(withoutPostings)
        let postingsStart = ContinuousClock.now
        try withoutPostings.prepareForSearch()
        let postingsSeconds = (ContinuousClock.now - postingsStart) / .seconds(1)

        let searchStore = try clip == nil ? fresh : FullIndexBuilder(count: count).build(at: folder.appending(path: "full/index.sqlite"))
        let search = try minilm.map {
            try SearchLatencyBenchmark(store: searchStore, minilm: $0, clip: clip, threads: 2, queries: queries)
                .run(images: count, subjects: Self.subjects, places: Self.places)
        }
        let sidecar = Self.size(store.vectorsFolder!.appending(path: "text.f32"))
        return Result(
            images: count, dimension: dimension, importSeconds: importSeconds, vectorSeconds: sentences.seconds,
            databaseBytesPerImage: Double(plainBytes) / Double(count),
            embeddingBytesPerImage: Double(fullBytes - plainBytes) / Double(count), sidecarBytes: sidecar,
            matrixBuildSeconds: buildSeconds, matrixMapMilliseconds: mapMilliseconds, matrixWarmMilliseconds: warmMilliseconds,
            fullTextQueries: queries, fullTextP50Milliseconds: latencies[latencies.count / 2],
            fullTextP99Milliseconds: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            fullTextMeanHits: Double(hits) / Double(2 * queries),
            sqliteBM25P50Milliseconds: sqliteLatencies[sqliteLatencies.count / 2],
            sqliteBM25P99Milliseconds: sqliteLatencies[min(sqliteLatencies.count - 1, sqliteLatencies.count * 99 / 100)],
            postingsBuildSeconds: postingsSeconds, postingsBytes: postingsBytes, search: search)
    }

    static func size(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }
}
