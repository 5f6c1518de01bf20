import Testing
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Vector search")
struct VectorSearchTests {
    /// Deterministic pseudo-random values in −1…1.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
    }

    static func bruteForce(_ query: [Float], _ values: [Float], dimension: Int, k: Int) -> [VectorHit] {
        let rows = values.count / dimension
        let hits = (0..<rows).map { row in
            VectorHit(row: row, score: ExactVectorSearch.dot(values, offset: row * dimension, query))
        }
        return Array(hits.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
    }

    @Test("matches brute force for dimensions that are and are not multiples of 16",
          arguments: [(512, 3000), (384, 1000), (37, 500), (5, 64)])
    func matchesBruteForce(dimension: Int, rows: Int) throws {
        let values = Self.values(rows * dimension, seed: UInt64(dimension))
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<rows).map { ImageID($0) }, values: values)
        let query = Self.values(dimension, seed: 99)
        let expected = Self.bruteForce(query, values, dimension: dimension, k: 25)
        for search in [ExactVectorSearch(threads: 1), ExactVectorSearch(threads: 2, rowsPerThreadMinimum: 1)] {
            let hits = try search.nearest(to: query, in: matrix, k: 25)
            #expect(hits.map(\.row) == expected.map(\.row))
            for (hit, reference) in zip(hits, expected) { #expect(abs(hit.score - reference.score) < 1e-3) }
        }
    }

    @Test("equal scores come back by ascending row, with any number of threads")
    func ties() throws {
        let matrix = EmbeddingMatrix(dimension: 2, rowImages: (0..<100).map { ImageID($0) },
                                     values: (0..<100).flatMap { $0 % 10 == 3 ? [Float(1), 0] : [Float(0), 1] })
        for threads in [1, 2, 3] {
            let hits = try ExactVectorSearch(threads: threads, rowsPerThreadMinimum: 1).nearest(to: [1, 0], in: matrix, k: 4)
            #expect(hits.map(\.row) == [3, 13, 23, 33])
        }
    }

    @Test("k beyond the rows returns every row; an empty matrix or k = 0 returns nothing")
    func edges() throws {
        let matrix = EmbeddingMatrix(dimension: 2, rowImages: [1, 2, 3], values: [1, 0, 0, 1, 0.6, 0.8])
        #expect(try ExactVectorSearch().nearest(to: [1, 0], in: matrix, k: 10).map(\.row) == [0, 2, 1])
        #expect(try ExactVectorSearch().nearest(to: [1, 0], in: matrix, k: 0).isEmpty)
        let empty = EmbeddingMatrix(dimension: 0, rowImages: [], values: [])
        #expect(try ExactVectorSearch().nearest(to: [1, 0], in: empty, k: 3).isEmpty)
    }

    @Test("a query of the wrong dimension is refused with a message about the model")
    func dimensionMismatch() {
        let matrix = EmbeddingMatrix(dimension: 2, rowImages: [1], values: [1, 0])
        #expect(throws: SearchError.self) { try ExactVectorSearch().nearest(to: [1, 0, 0], in: matrix, k: 1) }
        #expect(SearchError.dimensionMismatch(query: 3, matrix: 2, kind: "CLIP").errorDescription?.contains("another model") == true)
    }

    @Test("the partial top-k heap keeps the best k of a stream")
    func heap() {
        var heap = TopK(capacity: 3)
        for (row, score) in [(0, 0.5), (1, 0.9), (2, 0.1), (3, 0.7), (4, 0.9), (5, 0.95)] {
            heap.insert(row: row, score: Float(score))
        }
        #expect(heap.sorted().map(\.row) == [5, 1, 4])
    }
}

extension ExactVectorSearch {
    static func dot(_ values: [Float], offset: Int, _ query: [Float]) -> Float {
        values.withUnsafeBufferPointer { v in
            query.withUnsafeBufferPointer { q in dot(v.baseAddress! + offset, q.baseAddress!, query.count) }
        }
    }
}
