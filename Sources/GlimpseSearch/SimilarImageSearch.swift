import Foundation
import GlimpseIndex

/// "More like this": the indexed images whose CLIP image embeddings lie nearest a picture's, whole image
/// against whole image (regions are not compared). An indexed picture is looked up by its stored
/// embedding, so no model runs; a picture from outside the index is embedded by the caller.
public struct SimilarImageSearch: Sendable {
    public let index: any SearchableIndex
    public let vectors: any VectorSearching

    public init(index: any SearchableIndex, vectors: any VectorSearching = ExactVectorSearch()) {
        self.index = index
        self.vectors = vectors
    }

    /// The images most like indexed image `image`, best first, `image` itself left out (copies of it
    /// stored under other paths stay: they come first, as alike as can be).
    ///
    /// - Parameters:
    ///   - folders: only images under these absolute paths (none: the whole index).
    ///   - taken: only photos taken within this span (nil: any date, also none).
    /// - Throws: `SearchError.noImageEmbedding` when the index holds no image embedding for `image`.
    public func images(like image: ImageID, limit: Int, folders: [String] = [], taken: TakenRange? = nil,
                       minimumRating: Int? = nil, near: NearbyArea? = nil, camera: CameraQuery? = nil) throws -> SimilarImages {
        let start = ContinuousClock.now
        let matrix = try index.embeddingMatrix(.image)
        guard let row = matrix.firstRow(of: image) else { throw SearchError.noImageEmbedding(image: image) }
        let embedding = matrix.withValues { Array($0[(row * matrix.dimension)..<((row + 1) * matrix.dimension)]) }
        var answer = try nearest(embedding, in: matrix, excluding: image, limit: limit, folders: folders, taken: taken,
                                 minimumRating: minimumRating, near: near, camera: camera)
        answer.image = image
        answer.path = try index.searchDocuments([image]).first?.path
        answer.milliseconds = start.millisecondsSince
        return answer
    }

    /// The images most like a picture whose CLIP image embedding (unit length, the index's model) is
    /// `embedding`, best first.
    public func images(like embedding: [Float], limit: Int, folders: [String] = [], taken: TakenRange? = nil,
                       minimumRating: Int? = nil, near: NearbyArea? = nil, camera: CameraQuery? = nil) throws -> SimilarImages {
        let start = ContinuousClock.now
        var answer = try nearest(embedding, in: try index.embeddingMatrix(.image), excluding: nil, limit: limit, folders: folders,
                                 taken: taken, minimumRating: minimumRating, near: near, camera: camera)
        answer.milliseconds = start.millisecondsSince
        return answer
    }

    private func nearest(_ embedding: [Float], in matrix: EmbeddingMatrix, excluding excluded: ImageID?, limit: Int,
                         folders: [String], taken: TakenRange?, minimumRating: Int?, near: NearbyArea?,
                         camera: CameraQuery?) throws -> SimilarImages {
        var notes: [String] = []
        var scope: SearchScope?
        if !folders.isEmpty {
            let found = try SearchScope.images(under: folders, in: index)
            scope = found.scope
            notes.append(SearchNotes.scoped(to: folders, images: found.count))
        }
        if let taken {
            scope = try SearchScope.images(index.imageIDs(taken: taken), within: scope)
            notes.append(SearchNotes.taken(in: taken, images: scope?.images.count ?? 0))
        }
        if let stars = minimumRating {
            scope = try SearchScope.images(index.imageIDs(ratedAtLeast: stars), within: scope)
            notes.append(SearchNotes.rated(atLeast: stars, images: scope?.images.count ?? 0))
        }
        if let near {
            scope = try SearchScope.images(index.imageIDs(takenWithin: near), within: scope)
            notes.append(SearchNotes.near(near, images: scope?.images.count ?? 0))
        }
        if let camera {
            let found = try SearchScope.images(takenWith: camera, in: index, within: scope)
            scope = found.scope
            notes.append(found.note)
        }
        if matrix.predatesRunInProgress { notes.append(SearchNotes.similarDuringRun) }
        guard limit > 0 else { return SimilarImages(results: [], notes: notes) }
        // One more than asked for: the picture itself is usually the nearest.
        let hits = try vectors.nearest(to: embedding, in: matrix, k: limit + (excluded == nil ? 0 : 1), within: scope)
            .filter { matrix.rowImages[$0.row] != excluded }
            .prefix(limit)
        let documents = Dictionary(try index.searchDocuments(hits.map { matrix.rowImages[$0.row] }).map { ($0.id, $0) },
                                   uniquingKeysWith: { first, _ in first })
        // An image removed since the matrix was written has no document any more: it is left out.
        let results = hits.compactMap { hit in documents[matrix.rowImages[hit.row]].map { (hit, $0) } }
            .enumerated().map { position, found in
                SimilarImage(image: found.1.id, path: found.1.path, rank: position + 1, similarity: Double(found.0.score),
                             text: found.1.text, taken: found.1.taken, place: found.1.placeName)
            }
        return SimilarImages(results: results, notes: notes)
    }
}

/// The answer of `SimilarImageSearch` (`glimpse similar --json`, `GET /api/images/{id}/similar`).
public struct SimilarImages: Sendable, Hashable, Codable {
    /// The indexed image the results look like and its path; nil for a picture from outside the index.
    public var image: ImageID?
    public var path: String?
    public var results: [SimilarImage]
    /// What the reader should know: the folders searched, an index run in progress.
    public var notes: [String]
    /// The time the answer took, models excluded.
    public var milliseconds: Double = 0
}

/// One image that looks like the picture asked about.
public struct SimilarImage: Sendable, Hashable, Codable {
    public var image: ImageID
    public var path: String
    /// 1-based position in the results.
    public var rank: Int
    /// The cosine of the two CLIP image embeddings: 1 for the same picture, about 0.9 and above for
    /// near-duplicates (another exposure or crop of one shot), lower for pictures that only share a subject.
    public var similarity: Double
    /// The image's description text, as indexed.
    public var text: String
    /// When the photo was taken, when its file records it.
    public var taken: String?
    /// Where it was taken by name (`SearchDocument.placeName`), when known.
    public var place: String?
}
