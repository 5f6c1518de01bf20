import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex

/// Knobs of one search.
public struct SearchOptions: Sendable, Hashable, Codable {
    /// Results to return.
    public var limit: Int
    /// Candidates each ranker contributes to fusion (before negation); at least `limit`.
    public var candidates: Int
    public var fusion: Fusion
    public var negation: NegationOptions
    /// The rankers to use; nil for every ranker the searcher has.
    public var rankers: Set<RankerKind>?
    /// Only images under these folders (absolute paths; files too); empty for the whole index.
    public var folders: [String]
    /// Only photos taken within this span (by the date their files record); nil for any date, also none.
    public var taken: TakenRange?
    /// Only photos rated at least this many stars (1 to 5) in their tags (`PhotoTags.rating`); nil for any.
    public var minimumRating: Int?
    /// Only photos taken within this area (by the location their files record); nil for anywhere, also none.
    public var near: NearbyArea?
    /// Only photos taken with a camera this query matches (`PhotoTags.camera`); nil for any camera, also none.
    public var camera: CameraQuery?
    /// Group look-alikes: a result whose CLIP image embedding has at least this cosine with one shown above it
    /// is listed under that one (`SearchResult.lookAlikes`) instead of taking a place of its own; nil shows
    /// every image on its own.
    public var lookAlikeSimilarity: Double?
    /// A listing (a query with nothing to look for: `ParsedQuery.isListing`) shows the newest photos first instead
    /// of the oldest; ranked results are in the order of relevance either way.
    public var newestFirst = false
    /// The time zone whose calendar counts the query's relative dates ("yesterday", "last summer"): the
    /// asker's, when it is not this machine's (a server's users elsewhere); nil for this machine's.
    public var timeZone: TimeZone?

    /// The calendar relative dates are counted in (`timeZone`, else the machine's).
    public var calendar: Calendar {
        var calendar = Calendar.current
        if let timeZone { calendar.timeZone = timeZone }
        return calendar
    }

    public init(limit: Int = 20, candidates: Int = 200, fusion: Fusion = .standard, negation: NegationOptions = NegationOptions(),
                rankers: Set<RankerKind>? = nil, folders: [String] = [], taken: TakenRange? = nil, minimumRating: Int? = nil,
                near: NearbyArea? = nil, camera: CameraQuery? = nil) {
        self.near = near
        self.camera = camera
        self.taken = taken
        self.minimumRating = minimumRating
        self.limit = limit
        self.candidates = candidates
        self.fusion = fusion
        self.negation = negation
        self.rankers = rankers
        self.folders = folders
    }
}

/// What a search found, with the query as it was understood.
public struct SearchResponse: Sendable, Hashable, Codable {
    public var query: ParsedQuery
    public var results: [SearchResult]
    /// The rankers that ran.
    public var rankers: [RankerKind]
    /// Images dropped by strict negation, among the candidates judged (candidates are judged best
    /// first until the results cannot change).
    public var excluded: Int
    /// Things the user should know ("no CLIP model: full text and MiniLM only").
    public var notes: [String]
    /// Where the time went.
    public var timings: SearchTimings
    /// Query words no description, tag or file name holds, with what each was probably meant to be; nil
    /// when every word is known (or full text did not run).
    public var unknownWords: [UnknownWord]?
}

/// Milliseconds spent in each stage of one search.
public struct SearchTimings: Sendable, Hashable, Codable {
    /// CLIP's text tower on every prompt the search needs (the query's, the negated concepts'), one batch.
    public var clipText: Double = 0
    /// Finding the images under `SearchOptions.folders` and taken within `SearchOptions.taken` (zero without them).
    public var scope: Double = 0
    /// Each ranker that ran; MiniLM's query encoding is part of its ranker's time.
    public var rankers: [RankerKind: Double] = [:]
    /// Fusing the lists.
    public var fusion: Double = 0
    /// Reading the candidates' descriptions and judging negated concepts (zero without negation).
    public var negation: Double = 0
    /// Reading the results' descriptions and building the explanations.
    public var explanations: Double = 0
    /// The whole search, parsing included.
    public var total: Double = 0

    public init() {}
}

/// One image in the results.
public struct SearchResult: Sendable, Hashable, Codable {
    public var image: ImageID
    public var path: String
    /// 1-based position in the results.
    public var rank: Int
    /// The fused score after penalties.
    public var score: Double
    /// The image's description text, as indexed.
    public var text: String
    /// When the photo was taken (`YYYY-MM-DDTHH:MM:SS`, the camera's local time), when its file records it.
    public var taken: String?
    /// What people tagged in their photo manager, when anything.
    public var tags: PhotoTags?
    /// Where the photo was taken by name (`SearchDocument.placeName`), when known.
    public var place: String?
    public var explanation: Explanation
    /// With `SearchOptions.lookAlikeSimilarity`: the candidates left out for looking like this image, most
    /// alike first; nil when there are none.
    public var lookAlikes: [LookAlike]?
}

/// Why an image is where it is.
public struct Explanation: Sendable, Hashable, Codable {
    /// Query terms (lemmas and words as typed) found in the description.
    public var matchedTerms: [String]
    /// Query compounds found among the description's compounds.
    public var matchedCompounds: [String]
    /// Quoted phrases found in the description text.
    public var matchedPhrases: [String]
    /// The image's tags (title, caption, keywords, people: `PhotoTags`) that hold a query word or phrase;
    /// nil when none does.
    public var matchedTags: [String]?
    /// The names of the place it was taken at that hold a query word or phrase (`Lisbon`); nil when none does.
    public var matchedPlace: [String]?
    /// The telling names of the folders it lies in (`FolderNames`) that hold a query word or phrase; nil when none does.
    public var matchedFolders: [String]?
    /// The telling words of its file's name (`FileNameWords`) when they hold a query word or phrase; nil otherwise.
    public var matchedFileName: String?
    /// The region that matched best, when one did.
    public var region: RegionMatch?
    /// Each ranker's raw score, rank and calibrated score for this image.
    public var rankers: [RankerContribution]
    /// Penalties for negated concepts.
    public var penalties: [Penalty]
    /// The fused score before penalties.
    public var fusedScore: Double

    /// What matched outside the description, for people: `tagged "Anna"`, `taken at Lisbon`,
    /// `in folder "Lisbon trip"`, `named "tram 28"`.
    public var matchedBesideDescription: [String] {
        var parts: [String] = []
        if let matchedTags { parts.append("tagged " + matchedTags.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if let matchedPlace { parts.append("taken at " + matchedPlace.joined(separator: ", ")) }
        if let matchedFolders { parts.append("in folder " + matchedFolders.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if let matchedFileName { parts.append("named \"\(matchedFileName)\"") }
        return parts
    }

    /// One line for people: `terms dog, sofa · compound blue-collar · region 2 (12,40 200×120) · fullText #1 …`.
    public var summary: String {
        var parts = matchedBesideDescription
        if !matchedCompounds.isEmpty { parts.append("compounds " + matchedCompounds.joined(separator: ", ")) }
        if !matchedTerms.isEmpty { parts.append("terms " + matchedTerms.joined(separator: ", ")) }
        if !matchedPhrases.isEmpty { parts.append("phrases " + matchedPhrases.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if let region {
            let box = region.box
            let place = box.area > 0 ? " at \(box.x),\(box.y) \(box.width)×\(box.height)" : ""  // imported regions may have no box
            parts.append("region \(region.index) \"\(region.caption)\"\(place) (\(region.source.rawValue))")
        }
        if !rankers.isEmpty {
            parts.append(rankers.map { "\($0.ranker.rawValue) #\($0.rank) (\(Self.format($0.score)))" }.joined(separator: ", "))
        }
        for penalty in penalties {
            switch penalty.evidence {
            case let .description(matched):
                parts.append("penalty ×\(Self.format(penalty.factor)) for \"\(penalty.concept)\": description has \(matched.joined(separator: ", "))")
            case let .clip(probability):
                parts.append("penalty ×\(Self.format(penalty.factor)) for \"\(penalty.concept)\": CLIP \(Int((probability * 100).rounded()))% present")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// A score as people read it: rounded to three decimals.
    public static func format(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}

/// A region of the image that matched the query.
public struct RegionMatch: Sendable, Hashable, Codable {
    /// How the region was chosen.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Its CLIP embedding was the image's best match.
        case clip
        /// Its caption holds the most query terms.
        case caption
    }
    /// Index into the image's kept regions.
    public var index: Int
    public var caption: String
    public var box: PixelBox
    public var source: Source
}
