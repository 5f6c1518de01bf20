import Foundation
import GlimpseIndex

/// The images a search may return (`SearchOptions.folders`): every ranker scores only these, so the
/// results are exactly the best images among them, however few they are next to the whole index.
public struct SearchScope: Sendable, Hashable {
    /// Ascending, each once.
    public let images: [ImageID]
    /// Bit `id` is set for every image of the scope (image ids are small, dense positive numbers).
    private let members: [UInt64]

    /// A scope of `images` (in any order, repeats allowed; ids below 0 are left out).
    public init(images: [ImageID]) {
        var members = [UInt64](repeating: 0, count: Int((images.max() ?? 0) / 64) + 1)
        for image in images where image >= 0 { members[Int(image / 64)] |= 1 << UInt64(image % 64) }
        var sorted: [ImageID] = []
        for (word, bits) in members.enumerated() where bits != 0 {
            for bit in 0..<64 where bits & (1 << UInt64(bit)) != 0 { sorted.append(ImageID(word * 64 + bit)) }
        }
        self.images = sorted
        self.members = members
    }

    public func contains(_ image: ImageID) -> Bool {
        guard image >= 0, image / 64 < members.count else { return false }
        return members[Int(image / 64)] & (1 << UInt64(image % 64)) != 0
    }

    /// The rows of `matrix` that belong to the scope's images, ascending.
    func rows(in matrix: EmbeddingMatrix) -> [Int] {
        matrix.rowImages.indices.filter { contains(matrix.rowImages[$0]) }
    }

    /// The `k` rows among the scope's rows of `matrix` with the highest dot product with `query`, best
    /// first, ties by ascending row: exactly what a search of the whole matrix gives, filtered.
    ///
    /// When the scope holds at least half the rows, `vectors` (the fast search) looks for enough rows to
    /// expect `4k` of the scope's among them: if `k` of them are the scope's, they are its best (every
    /// row it did not return scores no higher than those it did). Otherwise, and for smaller scopes, the
    /// scope's rows are scored one by one.
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, using vectors: any VectorSearching) throws -> [VectorHit] {
        guard matrix.rows > 0, k > 0 else { return [] }
        guard query.count == matrix.dimension else {
            throw SearchError.dimensionMismatch(query: query.count, matrix: matrix.dimension, kind: "embedding")
        }
        let rows = rows(in: matrix)
        if rows.count * 2 >= matrix.rows {
            let wider = min(matrix.rows, 4 * k * matrix.rows / max(1, rows.count))
            let inside = try vectors.nearest(to: query, in: matrix, k: wider).filter { contains(matrix.rowImages[$0.row]) }
            if inside.count >= k || wider == matrix.rows { return Array(inside.prefix(k)) }
        }
        let dimension = matrix.dimension
        var heap = TopK(capacity: k)
        matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                guard let base = values.baseAddress, let qBase = q.baseAddress else { return }
                for row in rows {
                    let score = ExactVectorSearch.dot(base + row * dimension, qBase, dimension)
                    if score >= heap.threshold { heap.insert(row: row, score: score) }
                }
            }
        }
        return heap.sorted()
    }
}

extension VectorSearching {
    /// `nearest(to:in:k:)` over the rows of `scope`'s images only; over every row without a scope.
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, within scope: SearchScope?) throws -> [VectorHit] {
        try scope?.nearest(to: query, in: matrix, k: k, using: self) ?? nearest(to: query, in: matrix, k: k)
    }
}
