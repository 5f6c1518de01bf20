import Foundation
import GlimpseIndex

/// Everything that can go wrong while searching or evaluating, with messages that say what to do.
public enum SearchError: LocalizedError, Sendable, Equatable {
    /// The query is longer than `limit` characters.
    case queryTooLong(length: Int, limit: Int)
    /// Nothing searchable is left once stop words and negated concepts are removed.
    case noUsableTerms(query: String)
    /// The query says when the photos were taken and nothing else to search for.
    case onlyADate(query: String, taken: TakenRange)
    /// No ranker could run (no model and no full-text terms).
    case noRankerAvailable
    /// A query vector does not have the dimension of the matrix it is compared with.
    case dimensionMismatch(query: Int, matrix: Int, kind: String)
    /// A line of an evaluation or descriptions file could not be read.
    case invalidLine(file: String, line: Int, reason: String)
    /// A file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// The index has no CLIP image embedding for this image (not described yet, or described without CLIP).
    case noImageEmbedding(image: ImageID)
    /// More pairs of images reach a near-duplicate threshold than `NearDuplicateFinder` keeps.
    case tooManyAlikePairs(threshold: Float, limit: Int)
    /// The index holds no description for this image id.
    case unknownImage(ImageID)

    public var errorDescription: String? {
        switch self {
        case let .queryTooLong(length, limit):
            return "The query has \(length) characters; at most \(limit) are allowed. Shorten it to the details that matter."
        case let .noUsableTerms(query):
            return "The query \"\(query)\" has no word to search for (only stop words or negated words). "
                + "Add what the picture should show, e.g. \"a dog on a sofa, but no cartoon\", or a filter (a folder, dates, stars, "
                + "a place or a camera) to list the photos it leaves."
        case let .onlyADate(query, taken):
            return "The query \"\(query)\" says when the photos were taken (\(taken)) but not what they show. Add what to "
                + "look for, e.g. \"a beach in summer 2019\"; a query that only says when, with nothing to leave out, lists "
                + "the photos taken then, as does an empty query with the span \(taken) as a filter (`--taken`, `taken=`)."
        case .noRankerAvailable:
            return "No ranker can answer this query: the index has no full-text match and no embedding model is loaded. "
                + "Pull the models with `glimpse models pull` or use words that occur in the descriptions."
        case let .dimensionMismatch(query, matrix, kind):
            return "The \(kind) query vector has \(query) values but the index stores \(matrix): "
                + "the index was built with another model. Search with the same model or re-index."
        case let .invalidLine(file, line, reason):
            return "\(file):\(line): \(reason). Fix or remove the line."
        case let .unreadableFile(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .noImageEmbedding(image):
            return "The index holds no CLIP image embedding for image \(image): it is not described yet, or was "
                + "described without CLIP. Run `glimpse index` with the CLIP model, or give the image file itself."
        case let .unknownImage(image):
            return "The index holds no description for image \(image): it is not described yet, or no longer indexed."
        case let .tooManyAlikePairs(threshold, limit):
            return "More than \(limit) pairs of images are at least \(threshold) alike: at that similarity they are not "
                + "duplicates. Ask for a higher similarity (0.95 is a strict start), or compare one folder's images with --in."
        }
    }
}
