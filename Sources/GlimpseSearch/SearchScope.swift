import Foundation
import GlimpseIndex

/// The images a search may return (`SearchOptions.folders`): every ranker scores only these, so the
/// results are exactly the best images among them, however few they are next to the whole index.
public struct SearchScope: Sendable, Hashable {
    /// Ascending, each once.
    public let images: [ImageID]
    private let members: RowSet

    /// The scope of the images under `places` in `index`, nil when that is every image (a search
    /// within the library's root costs no more than one without a scope), and how many images it holds.
    static func images(under places: [String], in index: any SearchableIndex) throws -> (scope: SearchScope?, count: Int) {
        if let count = try index.imageCount(ifAllUnder: places) { return (nil, count) }
        let scope = SearchScope(images: try index.imageIDs(under: places))
        return (scope, scope.images.count)
    }

    /// The scope of `found` (what a filter of the index found: `imageIDs(taken:)`, `imageIDs(ratedAtLeast:)`,
    /// …) among the images of `narrower` (nil: every image).
    static func images(_ found: [ImageID], within narrower: SearchScope?) -> SearchScope {
        guard let narrower else { return SearchScope(images: found) }
        return SearchScope(images: found.filter(narrower.contains))
    }

    /// The scope of the photos taken with a camera that `query` matches among the images of `narrower`
    /// (nil: every image), and the note that says which cameras those are (`SearchNotes.taken(with:…)`).
    static func images(takenWith query: CameraQuery, in index: any SearchableIndex, within narrower: SearchScope?) throws
        -> (scope: SearchScope, note: String) {
        let found = try index.imageIDs(takenWith: query)
        let scope = images(found.images, within: narrower)
        let known = found.cameras.isEmpty ? try index.cameras() : []
        return (scope, SearchNotes.taken(with: query, cameras: found.cameras, images: scope.images.count, known: known))
    }

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
