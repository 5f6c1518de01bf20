import Foundation
import GlimpseIndex

/// The images a search may return (`SearchOptions.folders`): every ranker scores only these, so the
/// results are exactly the best images among them, however few they are next to the whole index.
public struct SearchScope: Sendable, Hashable {
    /// Ascending, each once.
    public let images: [ImageID]
    private let members: RowSet

    /// A scope of `images` (in any order, repeats allowed; ids below 0 are left out).
    public init(images: [ImageID]) {
        members = RowSet(images.lazy.map { Int($0) })
        self.images = members.sorted.map { ImageID($0) }
    }

    public func contains(_ image: ImageID) -> Bool { members.contains(Int(image)) }

    /// The rows of `matrix` that belong to the scope's images.
    func rows(in matrix: EmbeddingMatrix) -> RowSet {
        var rows = RowSet()
        for (row, image) in matrix.rowImages.enumerated() where contains(image) { rows.insert(row) }
        return rows
    }
}

extension VectorSearching {
    /// `nearest(to:in:k:)` over the rows of `scope`'s images only; over every row without a scope.
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, within scope: SearchScope?) throws -> [VectorHit] {
        guard let scope else { return try nearest(to: query, in: matrix, k: k) }
        return try nearest(to: query, in: matrix, k: k, among: scope.rows(in: matrix))
    }
}
