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

    /// The scope of the images taken within `range`, among those of `folders` (nil: every image).
    static func images(taken range: TakenRange, within folders: SearchScope?, in index: any SearchableIndex) throws -> SearchScope {
        let dated = try index.imageIDs(taken: range)
        guard let folders else { return SearchScope(images: dated) }
        return SearchScope(images: dated.filter(folders.contains))
    }

    /// The scope of the images rated at least `stars`, among those of `narrower` (nil: every image).
    static func images(ratedAtLeast stars: Int, within narrower: SearchScope?, in index: any SearchableIndex) throws -> SearchScope {
        let rated = try index.imageIDs(ratedAtLeast: stars)
        guard let narrower else { return SearchScope(images: rated) }
        return SearchScope(images: rated.filter(narrower.contains))
    }

    /// The scope of the images taken within `area`, among those of `narrower` (nil: every image).
    static func images(takenWithin area: NearbyArea, within narrower: SearchScope?, in index: any SearchableIndex) throws -> SearchScope {
        let near = try index.imageIDs(takenWithin: area)
        guard let narrower else { return SearchScope(images: near) }
        return SearchScope(images: near.filter(narrower.contains))
    }

    /// The scope of the images taken at the place named `name` (`SearchableIndex.imageIDs(takenAt:)`), among
    /// those of `narrower` (nil: every image).
    static func images(takenAt name: String, within narrower: SearchScope?, in index: any SearchableIndex) throws -> SearchScope {
        let there = try index.imageIDs(takenAt: name)
        guard let narrower else { return SearchScope(images: there) }
        return SearchScope(images: there.filter(narrower.contains))
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
