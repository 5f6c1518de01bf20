import Foundation
import GlimpseIndex

/// Where one indexed image stands for a query, and why (`Searcher.standing(of:for:options:)`): the
/// answer to "why is this photo not among my results?" — or why it is where it is.
public struct ImageStanding: Sendable, Hashable, Codable {
    /// What one ranker made of the image.
    public struct RankerStanding: Sendable, Hashable, Codable {
        public var ranker: RankerKind
        /// Its score for the image (BM25, or a cosine); nil when it had nothing to score the image by (no
        /// query word in the description, no embedding).
        public var score: Double?
        /// The image's place in this ranker's list; nil when it is not among the `reach` it passes on.
        public var rank: Int?
        /// The score of the last image the ranker passed on, when its list was full: what the image had
        /// to beat to be passed on.
        public var cutoff: Double?
        /// The region whose embedding matched best (CLIP), when one did better than the whole picture.
        public var region: Int?
    }

    public var image: ImageID
    public var path: String
    /// The stored description.
    public var text: String
    public var query: ParsedQuery
    /// The image's place in the answer to the query with these options; nil when it is not among the
    /// first `reach` (or is excluded).
    public var rank: Int?
    /// How far down the answer and each ranker's list were looked at (`SearchOptions.candidates`).
    public var reach: Int
    /// The search's `--in` folders hold the image (always true without folders).
    public var inScope: Bool
    /// When the photo was taken, when its file records it.
    public var taken: String?
    /// The span of dates searched (`--taken`, or said in the query), nil when none.
    public var takenSpan: TakenRange?
    /// The photo was taken within `takenSpan` (always true without one).
    public var inTakenSpan: Bool
    /// The photo's rating in its tags (`PhotoTags.rating`), when it has one.
    public var rating: Int?
    /// The photo is rated at least the stars searched (`SearchOptions.minimumRating`; always true without).
    public var ratedEnough: Bool = true
    /// Where the photo was taken by name (`SearchDocument.placeName`), when known.
    public var place: String?
    /// The photo was taken at the place the query names (`ParsedQuery.place`; always true without one).
    public var atPlace: Bool = true
    /// The photo was taken within the area searched (`SearchOptions.near`; always true without one).
    public var inArea: Bool = true
    /// The camera that took the photo (`PhotoTags.camera`), when its file records it.
    public var camera: String?
    /// The photo was taken with a camera the search asked for (`SearchOptions.camera`; always true without one).
    public var cameraMatches: Bool = true
    /// Strict negation leaves the image out (its penalties have factor 0).
    public var excluded: Bool
    public var rankers: [RankerStanding]
    /// The words, compounds and phrases of the query found in the description, the region that matched,
    /// and the penalties for negated concepts (each ranker's contribution when the image was fused).
    public var explanation: Explanation

    /// The query's words (lemmas) and compounds that the description does not hold.
    public var missingTerms: [String] {
        let found = Set(explanation.matchedTerms + explanation.matchedCompounds)
        return (query.terms + query.compounds).filter { !found.contains($0) }
    }
}
