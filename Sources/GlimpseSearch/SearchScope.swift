import Foundation
import GlimpseIndex

/// The images a search may return (`SearchOptions.folders`): every ranker scores only these, so the
/// results are exactly the best images among them, however few they are next to the whole index.
public struct SearchScope: Sendable, Hashable {
    /// Ascending.
    public let images: [ImageID]
    private let members: Set<ImageID>

    public init(images: [ImageID]) {
        self.images = images.sorted()
        members = Set(images)
    }

    public func contains(_ image: ImageID) -> Bool { members.contains(image) }

    /// The rows of `matrix` that belong to the scope's images, ascending (a matrix's rows are sorted by image).
    func rows(in matrix: EmbeddingMatrix) -> [Int] {
        var rows: [Int] = []
        for image in images {
            guard var row = matrix.firstRow(of: image) else { continue }
            while row < matrix.rows && matrix.rowImages[row] == image {
                rows.append(row)
                row += 1
            }
        }
        return rows
    }

    /// The `k` rows among the scope's rows of `matrix` with the highest dot product with `query`, best
    /// first, ties by ascending row: the exact fp32 scores, as a full search would give them.
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int) throws -> [VectorHit] {
        guard matrix.rows > 0, k > 0 else { return [] }
        guard query.count == matrix.dimension else {
            throw SearchError.dimensionMismatch(query: query.count, matrix: matrix.dimension, kind: "embedding")
        }
        let dimension = matrix.dimension
        var heap = TopK(capacity: k)
        matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                guard let base = values.baseAddress, let qBase = q.baseAddress else { return }
                for row in rows(in: matrix) {
                    let score = ExactVectorSearch.dot(base + row * dimension, qBase, dimension)
                    if score >= heap.threshold { heap.insert(row: row, score: score) }
                }
            }
        }
        return heap.sorted()
    }
}
