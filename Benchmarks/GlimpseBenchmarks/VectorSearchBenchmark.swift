import Foundation
import GlimpseIndex
import GlimpseSearch

/// Exact vector search over a synthetic `[rows, dimension]` matrix of unit vectors (1,000,000 × 512 by
/// default, the CLIP ViT-B/32 width), both ways in the same run on the same queries:
/// - `fp32`: SIMD dot products over every row, split across `threads`, partial top-k heap;
/// - `compact`: the int8 first pass over the matrix's compact copy, then fp32 scores of the rows the
///   error bound could not rule out (`ExactVectorSearch` with `.always`).
/// Queries alternate between the two paths; every query's hits must be identical (rows and scores).
/// Target (issue #11): ≤ 100 ms on 2 cores.
///
/// `--data random` (default): independent random unit rows and queries. `--data clustered`: rows around
/// 1,000 centres (similarity to their centre about 0.7), queries near a centre. `--data duplicates`: the
/// same with near-duplicate clusters (similarity about 0.995), so that a thousand rows score almost the
/// same. Read here from the command line (main.swift passes the other options).
struct VectorSearchBenchmark {
    struct PathTimes: Encodable {
        var medianMilliseconds: Double
        var minimumMilliseconds: Double
        var maximumMilliseconds: Double
        /// Bytes of the scanned representation read per second at the median.
        var gigabytesPerSecond: Double
    }

    struct CompactFileTimes: Encodable {
        var path: String
        var buildAndWriteMilliseconds: Double
        var mapMilliseconds: Double
    }

    /// Ranking every row by `scale · Σ q_j c_j` (int8 rows, fp32 query) without the error bound.
    struct Int8OnlyRecall: Encodable {
        var queries: Int
        /// Mean |int8 top k ∩ exact top k| / k.
        var meanRecallAtK: Double
        var minimumRecallAtK: Double
        /// The shortest int8 shortlist that holds the whole exact top k, per query (median, maximum).
        var shortlistForFullRecallMedian: Int
        var shortlistForFullRecallMaximum: Int
    }

    struct Result: Encodable {
        var rows: Int
        var dimension: Int
        var k: Int
        var threads: Int
        var runs: Int
        var data: String
        var fp32: PathTimes
        var compact: PathTimes
        /// fp32 median / compact median.
        var speedup: Double
        /// Time to quantize the matrix in memory (what a store does once per generation, then maps).
        var compactBuildMilliseconds: Double
        var compactBytes: Int
        /// With `--compact-file`: writing the sidecar and mapping it again (what a fresh process pays).
        var compactFile: CompactFileTimes?
        /// Rows left after the first pass and rows scored in fp32, per query.
        var candidatesMedian: Int
        var candidatesMaximum: Int
        var rescoredMedian: Int
        var rescoredMaximum: Int
        /// Queries where the first pass gave up and every row was scanned in fp32.
        var fellBack: Int
        /// Every query returned the same rows and bit-identical scores on both paths.
        var identicalHits: Bool
        /// With `--recall-queries N`: what ranking by the int8 score alone would give on the first N queries.
        var int8Only: Int8OnlyRecall?
        var targetMilliseconds: Double
    }

    var rows: Int
    var dimension: Int
    var k: Int
    var threads: Int
    var runs: Int
    var data: String = VectorSearchBenchmark.dataOption()

    /// `--compact-file PATH`: search a compact copy written to and mapped from PATH instead of memory.
    static func compactFileOption() -> String? {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: "--compact-file"), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    static func dataOption() -> String {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: "--data"), index + 1 < arguments.count else { return "random" }
        return arguments[index + 1]
    }

    func run() throws -> Result {
        let clustered = data == "clustered" || data == "duplicates"
        let values = clustered ? Self.clusteredRows(rows, dimension, centers: 1000, noise: data == "duplicates" ? 0.1 : 1, seed: 1)
            : Self.unitRows(rows, dimension, seed: 1)
        let plain = EmbeddingMatrix(dimension: dimension, rowImages: (0..<rows).map { ImageID($0) }, values: values)
        let buildStart = ContinuousClock.now
        var matrix = plain.quantized(threads: threads)
        let buildMilliseconds = milliseconds(ContinuousClock.now - buildStart)
        var fileTimes: CompactFileTimes?
        if let path = Self.compactFileOption() {
            // As a store does: write the sidecar (quantizing again), then map it as a fresh process would
            // (header, checksum and sampled-row checks) and search the mapped copy.
            let url = URL(filePath: path)
            let id = UUID()
            try? FileManager.default.removeItem(at: url)
            var start = ContinuousClock.now
            _ = QuantizedSidecar.load(for: plain, url: url, generation: 1, databaseID: id)
            let written = milliseconds(ContinuousClock.now - start)
            start = ContinuousClock.now
            let mapped = QuantizedSidecar.load(for: plain, url: url, generation: 1, databaseID: id)
            let mapMilliseconds = milliseconds(ContinuousClock.now - start)
            matrix = plain.withCompact(mapped)
            fileTimes = CompactFileTimes(path: path, buildAndWriteMilliseconds: written, mapMilliseconds: mapMilliseconds)
        }
        let queries = (0..<runs).map { run in
            clustered ? Self.queryNear(values, center: (run * 7919) % min(rows, 1000), dimension, seed: UInt64(1000 + run))
                : Self.unitRows(1, dimension, seed: UInt64(1000 + run))
        }
        let fp32 = ExactVectorSearch(threads: threads, compactScan: .never)
        let compact = ExactVectorSearch(threads: threads, compactScan: .always)
        _ = try fp32.nearest(to: queries[0], in: matrix, k: k)  // touch the pages once
        _ = try compact.nearest(to: queries[0], in: matrix, k: k)
        var fp32Times: [Double] = [], compactTimes: [Double] = []
        var candidates: [Int] = [], rescored: [Int] = []
        var fellBack = 0
        var identical = true
        for query in queries {
            var start = ContinuousClock.now
            let expected = try fp32.nearest(to: query, in: matrix, k: k)
            fp32Times.append(milliseconds(ContinuousClock.now - start))
            start = ContinuousClock.now
            let (hits, statistics) = try compact.nearestWithStatistics(to: query, in: matrix, k: k)
            compactTimes.append(milliseconds(ContinuousClock.now - start))
            precondition(expected.count == min(k, rows))
            if hits.map(\.row) != expected.map(\.row) || hits.map(\.score.bitPattern) != expected.map(\.score.bitPattern) {
                identical = false
            }
            candidates.append(statistics.candidates)
            rescored.append(statistics.rescored)
            if statistics.path != .compact { fellBack += 1 }
        }
        let recallQueries = min(queries.count, Int(Self.option("--recall-queries") ?? "0") ?? 0)
        let int8Only = recallQueries > 0
            ? try Self.int8OnlyRecall(Array(queries.prefix(recallQueries)), matrix, k: k, exact: fp32) : nil
        let compactBytes = matrix.compact.map { $0.rows * ($0.stride + 12) } ?? 0
        let fp32Path = Self.times(fp32Times, bytes: rows * dimension * 4)
        let compactPath = Self.times(compactTimes, bytes: compactBytes)
        candidates.sort()
        rescored.sort()
        return Result(rows: rows, dimension: dimension, k: k, threads: threads, runs: runs, data: clustered ? data : "random",
                      fp32: fp32Path, compact: compactPath,
                      speedup: fp32Path.medianMilliseconds / compactPath.medianMilliseconds,
                      compactBuildMilliseconds: buildMilliseconds, compactBytes: compactBytes, compactFile: fileTimes,
                      candidatesMedian: candidates[candidates.count / 2], candidatesMaximum: candidates.last!,
                      rescoredMedian: rescored[rescored.count / 2], rescoredMaximum: rescored.last!,
                      fellBack: fellBack, identicalHits: identical, int8Only: int8Only, targetMilliseconds: 100)
    }

    static func option(_ name: String) -> String? {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    static func int8OnlyRecall(_ queries: [[Float]], _ matrix: EmbeddingMatrix, k: Int, exact: ExactVectorSearch) throws -> Int8OnlyRecall {
        guard let compact = matrix.compact else { throw CocoaError(.featureUnsupported) }
        var recalls: [Double] = [], shortlists: [Int] = []
        for query in queries {
            let expected = try exact.nearest(to: query, in: matrix, k: k).map(\.row)
            let scores: [Float] = compact.withBuffers { buffers in
                (0..<compact.rows).map { row in
                    var sum: Float = 0
                    let base = row * compact.stride
                    for j in 0..<compact.dimension { sum += query[j] * Float(buffers.codes[base + j]) }
                    return sum * buffers.scales[row]
                }
            }
            let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            var rank = [Int](repeating: 0, count: order.count)
            for (position, row) in order.enumerated() { rank[row] = position }
            let top = Set(order.prefix(k))
            recalls.append(Double(expected.filter { top.contains($0) }.count) / Double(max(1, expected.count)))
            shortlists.append((expected.map { rank[$0] }.max() ?? -1) + 1)
        }
        shortlists.sort()
        return Int8OnlyRecall(queries: queries.count, meanRecallAtK: recalls.reduce(0, +) / Double(recalls.count),
                              minimumRecallAtK: recalls.min() ?? 0, shortlistForFullRecallMedian: shortlists[shortlists.count / 2],
                              shortlistForFullRecallMaximum: shortlists.last ?? 0)
    }

    static func times(_ unsorted: [Double], bytes: Int) -> PathTimes {
        let times = unsorted.sorted()
        let median = times[times.count / 2]
        return PathTimes(medianMilliseconds: median, minimumMilliseconds: times.first!, maximumMilliseconds: times.last!,
                         gigabytesPerSecond: Double(bytes) / (median / 1e3) / 1e9)
    }

    /// `rows` pseudo-random unit vectors, row after row (fast LCG; the values only need to be varied).
    static func unitRows(_ rows: Int, _ dimension: Int, seed: UInt64) -> [Float] {
        var values = [Float](repeating: 0, count: rows * dimension)
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        let scale = 1 / Float(dimension).squareRoot()
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                buffer[index] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale * 1.7320508
            }
        }
        return values
    }

    /// Row `r` is centre `r % centers` plus `noise` times a random unit vector, normalised: with noise 1
    /// similarity to its centre is about 0.7 (0.5 between rows of a cluster), with 0.1 about 0.995.
    static func clusteredRows(_ rows: Int, _ dimension: Int, centers: Int, noise: Float, seed: UInt64) -> [Float] {
        let middles = unitRows(centers, dimension, seed: seed + 17)
        var values = unitRows(rows, dimension, seed: seed)
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                let center = row % centers
                var norm: Float = 0
                for j in 0..<dimension {
                    let value = noise * buffer[row * dimension + j] + middles[center * dimension + j]
                    buffer[row * dimension + j] = value
                    norm += value * value
                }
                let scale = 1 / norm.squareRoot()
                for j in 0..<dimension { buffer[row * dimension + j] *= scale }
            }
        }
        return values
    }

    /// A unit query close to row `center`'s cluster: that row plus a little noise.
    static func queryNear(_ values: [Float], center: Int, _ dimension: Int, seed: UInt64) -> [Float] {
        let noise = unitRows(1, dimension, seed: seed)
        var query = (0..<dimension).map { values[center * dimension + $0] + 0.5 * noise[$0] }
        let norm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        query = query.map { $0 / norm }
        return query
    }
}
