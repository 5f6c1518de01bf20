import Testing
import GlimpseIndex
@testable import GlimpseSearch

/// `VectorSearching.nearest(to:in:k:among:)`, what search within folders asks of the vector search.
@Suite("Vector search among listed rows")
struct ListedRowsSearchTests {
    static let searches = [ExactVectorSearch(threads: 1, compactScan: .never),
                           ExactVectorSearch(threads: 3, rowsPerThreadMinimum: 1, compactScan: .never),
                           ExactVectorSearch(threads: 1, compactScan: .always),
                           ExactVectorSearch(threads: 3, rowsPerThreadMinimum: 1, compactScan: .always)]

    /// Every row's hit from a search of the whole matrix, then those listed: the answer to match.
    static func expected(_ query: [Float], _ matrix: EmbeddingMatrix, k: Int, among rows: RowSet) throws -> [VectorHit] {
        let all = try ExactVectorSearch(threads: 1, compactScan: .never).nearest(to: query, in: matrix, k: matrix.rows)
        return Array(all.filter { rows.contains($0.row) }.prefix(k))
    }

    @Test("a row set holds each member once, ascending, whatever order and repeats it was given")
    func rowSet() {
        let set = RowSet([130, 5, 64, 5, -3, 0, 63, 130])
        #expect(set.sorted == [0, 5, 63, 64, 130])
        #expect(set.count == 5)
        #expect(set.contains(63) && set.contains(64) && !set.contains(65) && !set.contains(-3) && !set.contains(100_000))
        #expect(set == RowSet([0, 130, 64, 63, 5]))
        #expect(set != RowSet([0, 5, 63, 64]))
        #expect(RowSet().sorted.isEmpty && RowSet().count == 0)
    }

    @Test("the same rows and bit-identical scores as the whole matrix's hits filtered to the list, on every path",
          arguments: [1, 2, 3, 10, 20])
    func matchesFilteredSearch(every step: Int) throws {
        let dimension = 64, rows = 4000
        let values = QuantizedVectorSearchTests.clustered(rows: rows, dimension: dimension, centers: 40, noise: 0.3, seed: 7)
        let matrix = QuantizedVectorSearchTests.matrix(values, dimension: dimension)
        let listed = RowSet(stride(from: step / 2, to: rows, by: step))
        for seed in 0..<4 {
            let query = VectorSearchTests.values(dimension, seed: UInt64(300 + seed))
            for k in [1, 10, 60] {
                let expected = try Self.expected(query, matrix, k: k, among: listed)
                for search in Self.searches {
                    let hits = try search.nearest(to: query, in: matrix, k: k, among: listed)
                    #expect(hits.map(\.row) == expected.map(\.row), "every \(step)th row, k \(k)")
                    #expect(hits.map(\.score.bitPattern) == expected.map(\.score.bitPattern))
                }
            }
        }
    }

    @Test("a short list is scored row by row; a long one through the compact copy, which still rules rows out")
    func paths() throws {
        let dimension = 64, rows = 4000
        let matrix = QuantizedVectorSearchTests.matrix(VectorSearchTests.values(rows * dimension, seed: 5), dimension: dimension)
        let query = VectorSearchTests.values(dimension, seed: 6)
        let search = ExactVectorSearch(threads: 1, compactScan: .always)
        let short = RowSet(stride(from: 0, to: rows, by: 5))
        #expect(try search.nearestWithStatistics(to: query, in: matrix, k: 10, among: short).statistics
            == .init(path: .eachListedRow, candidates: 0, rescored: short.count))
        let long = RowSet(stride(from: 0, to: rows, by: 2))
        let statistics = try search.nearestWithStatistics(to: query, in: matrix, k: 10, among: long).statistics
        #expect(statistics.path == .compact)
        #expect(statistics.rescored < long.count / 4)
    }

    @Test("an empty list, rows past the matrix, k beyond the list, and ties by ascending row")
    func edges() throws {
        let dimension = 8
        let row = VectorSearchTests.values(dimension, seed: 1), other = VectorSearchTests.values(dimension, seed: 2)
        let matrix = QuantizedVectorSearchTests.matrix((0..<600).flatMap { $0 % 2 == 0 ? row : other }, dimension: dimension)
        for search in Self.searches {
            #expect(try search.nearest(to: row, in: matrix, k: 5, among: RowSet()).isEmpty)
            #expect(try search.nearest(to: row, in: matrix, k: 5, among: RowSet([598, 600, 9_999])).map(\.row) == [598])
            #expect(try search.nearest(to: row, in: matrix, k: 50, among: RowSet([9, 4, 2])).map(\.row) == [2, 4, 9])
            let evens = RowSet(stride(from: 0, to: 600, by: 2))
            #expect(try search.nearest(to: row, in: matrix, k: 4, among: evens).map(\.row) == [0, 2, 4, 6])
            #expect(throws: SearchError.self) { try search.nearest(to: [1, 2], in: matrix, k: 4, among: evens) }
        }
    }
}
