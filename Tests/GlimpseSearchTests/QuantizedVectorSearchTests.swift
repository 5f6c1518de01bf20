import CVectorKernels
import Foundation
import Testing
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Vector search over the compact int8 copy")
struct QuantizedVectorSearchTests {
    static let fp32 = ExactVectorSearch(threads: 1, compactScan: .never)
    /// Compact first pass on one and on three workers (rows split unevenly).
    static let compactSearches = [ExactVectorSearch(threads: 1, compactScan: .always),
                                  ExactVectorSearch(threads: 3, rowsPerThreadMinimum: 1, compactScan: .always)]

    static func matrix(_ values: [Float], dimension: Int) -> EmbeddingMatrix {
        EmbeddingMatrix(dimension: dimension, rowImages: (0..<(values.count / max(dimension, 1))).map { ImageID($0) },
                        values: values).quantized()
    }

    /// Unit rows around `centers` cluster centres, each `noise` away from its centre.
    static func clustered(rows: Int, dimension: Int, centers: Int, noise: Float, seed: UInt64) -> [Float] {
        let middles = VectorSearchTests.values(centers * dimension, seed: seed)
        let jitter = VectorSearchTests.values(rows * dimension, seed: seed + 1)
        var values: [Float] = []
        values.reserveCapacity(rows * dimension)
        for row in 0..<rows {
            let center = row % centers
            let raw = (0..<dimension).map { middles[center * dimension + $0] + noise * jitter[row * dimension + $0] }
            values += unitVector(raw)
        }
        return values
    }

    static func unitVector(_ vector: [Float]) -> [Float] {
        let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// Asserts that the compact search returns exactly (rows and bit-identical scores) the fp32 hits.
    @discardableResult
    static func expectSameHits(_ query: [Float], _ matrix: EmbeddingMatrix, k: Int,
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> [ExactVectorSearch.Statistics] {
        let expected = try fp32.nearest(to: query, in: matrix, k: k)
        var statistics: [ExactVectorSearch.Statistics] = []
        for search in compactSearches {
            let (hits, stats) = try search.nearestWithStatistics(to: query, in: matrix, k: k)
            #expect(hits.map(\.row) == expected.map(\.row), sourceLocation: sourceLocation)
            #expect(hits.map(\.score.bitPattern) == expected.map(\.score.bitPattern), sourceLocation: sourceLocation)
            statistics.append(stats)
        }
        return statistics
    }

    @Test("random rows: the same hits and scores as the fp32 scan, from a shortlist",
          arguments: [(512, 4000, 10), (512, 4000, 100), (384, 3000, 25), (37, 2000, 7), (5, 500, 3), (100, 1000, 1)])
    func randomRows(dimension: Int, rows: Int, k: Int) throws {
        let matrix = Self.matrix(VectorSearchTests.values(rows * dimension, seed: UInt64(dimension * 7 + k)), dimension: dimension)
        for seed in 0..<5 {
            let query = VectorSearchTests.values(dimension, seed: UInt64(500 + seed))
            for stats in try Self.expectSameHits(query, matrix, k: k) where dimension >= 37 {
                // The bound must actually rule rows out, or the compact copy would be useless.
                #expect(stats.path == .compact)
                #expect(stats.rescored < rows / 2)
            }
        }
    }

    @Test("clustered and near-duplicate rows, where int8 scores alone choose other rows",
          arguments: [(Float(0.02), 40), (Float(0.002), 10), (Float(0.0002), 3)])
    func clusteredRows(noise: Float, centers: Int) throws {
        let dimension = 96, rows = 3000, k = 20
        let values = Self.clustered(rows: rows, dimension: dimension, centers: centers, noise: noise, seed: 42)
        let matrix = Self.matrix(values, dimension: dimension)
        var int8Differs = false
        for seed in 0..<6 {
            // Queries near a centre: many rows score almost the same.
            let center = Array(values[(seed % centers * dimension)..<((seed % centers + 1) * dimension)])
            let query = Self.unitVector(zip(center, VectorSearchTests.values(dimension, seed: UInt64(seed))).map { $0 + 0.01 * $1 })
            try Self.expectSameHits(query, matrix, k: k)
            let int8 = Self.int8Ranking(query, matrix, k: k)
            if int8 != (try Self.fp32.nearest(to: query, in: matrix, k: k).map(\.row)) { int8Differs = true }
        }
        // The data is hard enough that trusting the int8 scores would have returned other hits.
        #expect(int8Differs)
    }

    /// The top k by the int8 score alone (what a search without the error bound would return).
    static func int8Ranking(_ query: [Float], _ matrix: EmbeddingMatrix, k: Int) -> [Int] {
        let compact = matrix.compact!
        return compact.withBuffers { buffers in
            let quantized = query.withUnsafeBufferPointer { QuantizedQuery($0, stride: compact.stride)! }
            let scores = (0..<matrix.rows).map { row in
                var dot: Int64 = 0
                for j in 0..<compact.stride { dot += Int64(buffers.codes[row * compact.stride + j]) * Int64(quantized.codes[j]) }
                return Float(dot) * quantized.scale * buffers.scales[row]
            }
            return Array(scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }.prefix(k))
        }
    }

    @Test("every row's fp32 score lies within its int8 score ± the bound, also for a query aligned with a residual")
    func boundsHold() throws {
        let dimension = 77, rows = 600
        let values = VectorSearchTests.values(rows * dimension, seed: 3)
        let matrix = Self.matrix(values, dimension: dimension)
        let compact = try #require(matrix.compact)
        // The worst case for the bound: the query points along one row's quantization residual.
        let residual: [Float] = compact.withBuffers { buffers in
            (0..<dimension).map { values[5 * dimension + $0] - buffers.scales[5] * Float(buffers.codes[5 * compact.stride + $0]) }
        }
        for query in [VectorSearchTests.values(dimension, seed: 8), residual, residual.map { $0 * 1e-3 + 1e-7 }] {
            let quantized = try #require(query.withUnsafeBufferPointer { QuantizedQuery($0, stride: compact.stride) })
            compact.withBuffers { buffers in
                for row in 0..<rows {
                    var dot: Int64 = 0
                    for j in 0..<compact.stride { dot += Int64(buffers.codes[row * compact.stride + j]) * Int64(quantized.codes[j]) }
                    let approx = Float(dot) * (quantized.scale * buffers.scales[row])
                    let bound = quantized.alpha * buffers.norms[row] + quantized.beta * buffers.residuals[row]
                    let exact = ExactVectorSearch.dot(values, offset: row * dimension, query)
                    #expect(exact >= approx - bound && exact <= approx + bound)
                }
            }
        }
        try Self.expectSameHits(residual, matrix, k: 5)
    }

    @Test("ties: identical rows come back by ascending row (the first pass gives up or keeps them all)")
    func ties() throws {
        let dimension = 40
        let row = VectorSearchTests.values(dimension, seed: 1)
        let other = VectorSearchTests.values(dimension, seed: 2)
        let values = (0..<3000).flatMap { $0 % 3 == 0 ? row : other }
        let matrix = Self.matrix(values, dimension: dimension)
        try Self.expectSameHits(row, matrix, k: 10)
        try Self.expectSameHits(other, matrix, k: 1500)
        #expect(try Self.compactSearches[0].nearest(to: row, in: matrix, k: 4).map(\.row) == [0, 3, 6, 9])
    }

    @Test("zero rows, rows that are not finite, a zero query and k beyond the rows")
    func adversarialRows() throws {
        let dimension = 19
        var values = VectorSearchTests.values(300 * dimension, seed: 11)
        for index in 0..<dimension {
            values[4 * dimension + index] = 0  // a zero row
            values[9 * dimension + index] = 0
        }
        values[20 * dimension + 3] = .infinity
        values[21 * dimension + 5] = .nan
        values[22 * dimension] = 1e30  // finite, but its fp32 score overflows to ±∞
        let matrix = Self.matrix(values, dimension: dimension)
        let query = VectorSearchTests.values(dimension, seed: 12)
        try Self.expectSameHits(query, matrix, k: 5)
        try Self.expectSameHits(query.map { -$0 }, matrix, k: 5)
        try Self.expectSameHits(query, matrix, k: 1000)  // k > rows: every row with a score
        try Self.expectSameHits([Float](repeating: 0, count: dimension), matrix, k: 7)
        var odd = query
        odd[2] = .nan
        #expect(try Self.compactSearches[0].nearestWithStatistics(to: odd, in: matrix, k: 3).statistics.path == .compactGaveUp)
        try Self.expectSameHits(odd, matrix, k: 3)
        // A matrix of zero rows only.
        try Self.expectSameHits(query, Self.matrix([Float](repeating: 0, count: 50 * dimension), dimension: dimension), k: 4)
    }

    @Test("more workers than rows divide evenly: no empty or inverted ranges", arguments: [1, 2, 3, 4, 5, 7, 9])
    func manyWorkers(rows: Int) throws {
        let dimension = 6
        let values = VectorSearchTests.values(rows * dimension, seed: UInt64(rows))
        let matrix = Self.matrix(values, dimension: dimension)
        let query = VectorSearchTests.values(dimension, seed: 77)
        let expected = try Self.fp32.nearest(to: query, in: matrix, k: 3)
        for scan in [ExactVectorSearch.CompactScan.never, .always] {
            let search = ExactVectorSearch(threads: 4, rowsPerThreadMinimum: 1, compactScan: scan)
            #expect(try search.nearest(to: query, in: matrix, k: 3) == expected)
        }
    }

    @Test("automatic mode: the compact copy for large matrices with small k, fp32 otherwise")
    func automatic() throws {
        let dimension = 32
        let values = VectorSearchTests.values(5000 * dimension, seed: 5)
        let query = VectorSearchTests.values(dimension, seed: 6)
        let plain = EmbeddingMatrix(dimension: dimension, rowImages: (0..<5000).map { ImageID($0) }, values: values)
        let quantized = plain.quantized()
        let search = ExactVectorSearch()
        #expect(try search.nearestWithStatistics(to: query, in: quantized, k: 10).statistics.path == .compact)
        #expect(try search.nearestWithStatistics(to: query, in: quantized, k: 1000).statistics.path == .fp32)
        #expect(try search.nearestWithStatistics(to: query, in: plain, k: 10).statistics.path == .fp32)
        #expect(try search.nearest(to: query, in: quantized, k: 10) == (try search.nearest(to: query, in: plain, k: 10)))
    }

    @Test("the dispatched int8 kernel equals the portable loop, at the extremes of the int32 range")
    func kernel() {
        let stride = 512, rows = 37
        var state: UInt64 = 9
        var codes = (0..<(rows * stride)).map { _ -> Int8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int8(truncatingIfNeeded: Int(state >> 56) % 255 - 127)
        }
        for j in 0..<stride { codes[j] = 127; codes[stride + j] = -127 }  // rows 0 and 1: the largest sums
        let query = (0..<stride).map { _ -> Int16 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int16(Int(state >> 40) % 65_535 - 32_767)
        }
        var extreme = query
        for j in 0..<stride { extreme[j] = 32_767 }
        for q in [query, extreme] {
            var fast = [Int32](repeating: 0, count: rows)
            var portable = [Int32](repeating: 1, count: rows)
            glimpse_dot_i8_i16(codes, stride, rows, q, &fast)
            glimpse_dot_i8_i16_portable(codes, stride, rows, q, &portable)
            #expect(fast == portable)
            var reference = [Int64](repeating: 0, count: rows)
            for row in 0..<rows {
                for j in 0..<stride { reference[row] += Int64(codes[row * stride + j]) * Int64(q[j]) }
            }
            #expect(portable.map(Int64.init) == reference)
        }
        #expect(Int64(127 * 512) * 32_767 <= Int64(Int32.max))
    }
}
