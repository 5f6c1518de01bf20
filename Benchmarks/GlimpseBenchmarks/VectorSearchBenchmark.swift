import Foundation
import GlimpseIndex
import GlimpseSearch

/// Exact vector search over a synthetic `[rows, dimension]` matrix of unit vectors (1,000,000 × 512 by
/// default, the CLIP ViT-B/32 width): SIMD dot products split across `threads`, partial top-k heap.
/// Target (issue #11): ≤ 100 ms on 2 cores.
struct VectorSearchBenchmark {
    struct Result: Encodable {
        var rows: Int
        var dimension: Int
        var k: Int
        var threads: Int
        var runs: Int
        var medianMilliseconds: Double
        var minimumMilliseconds: Double
        var maximumMilliseconds: Double
        /// Matrix bytes read per second at the median.
        var gigabytesPerSecond: Double
        var targetMilliseconds: Double
    }

    var rows: Int
    var dimension: Int
    var k: Int
    var threads: Int
    var runs: Int

    func run() throws -> Result {
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<rows).map { ImageID($0) },
                                     values: Self.unitRows(rows, dimension, seed: 1))
        let queries = (0..<runs).map { Self.unitRows(1, dimension, seed: UInt64(1000 + $0)) }
        let search = ExactVectorSearch(threads: threads)
        _ = try search.nearest(to: queries[0], in: matrix, k: k)  // touch the pages once
        var times: [Double] = []
        for query in queries {
            let start = ContinuousClock.now
            let hits = try search.nearest(to: query, in: matrix, k: k)
            times.append(milliseconds(ContinuousClock.now - start))
            precondition(hits.count == min(k, rows))
        }
        times.sort()
        let median = times[times.count / 2]
        let bytes = Double(rows * dimension * MemoryLayout<Float>.size)
        return Result(rows: rows, dimension: dimension, k: k, threads: threads, runs: runs, medianMilliseconds: median,
                      minimumMilliseconds: times.first!, maximumMilliseconds: times.last!,
                      gigabytesPerSecond: bytes / (median / 1e3) / 1e9, targetMilliseconds: 100)
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
}
