import Foundation
import GlimpseDescribe
import GlimpseImage

/// The row id of an image in the index.
public typealias ImageID = Int64

/// What search reads from an index. `IndexStore` (the SQLite store) conforms; tests use fakes.
///
/// The contract between GlimpseIndex and GlimpseSearch: change it only together with both sides.
///
/// ## Full-text rules (`SQLiteIndexStore`)
///
/// - One FTS5 table over four columns: `text` (the description text as written), `keywords` (the
///   lemmatised keywords, space-separated), `compounds` (the compound keywords, each one token) and
///   `tags` (`SearchDocument.tagSearchText`: what people tagged in their photo manager, the names of
///   the place a located photo was taken at, and the telling names of the folders it lies in).
/// - Tokenizer: `porter unicode61 remove_diacritics 2 tokenchars '_'` — lowercase, diacritics folded,
///   every character that is not a letter, digit or `_` separates tokens, and English words are
///   Porter-stemmed on both sides (so `dogs` in a description meets `dog` in a query).
/// - **Compounds**: a compound keyword such as `cutting-board` is indexed as the single token
///   `cutting_board` (`FullTextExpression.compoundToken(_:)`). To match it as a unit, pass that form as
///   a term: `FullTextExpression(anyOf: ["knife"], compounds: ["cutting-board"])`. A term written with a
///   hyphen or a space (`"cutting-board"`, `"cutting board"`) is a phrase: it matches the two words next
///   to each other in the text, not the compound token.
/// - Scores: `bm25()` with equal column weights, negated (higher is better); ties by image id.
public protocol SearchableIndex: Sendable {
    /// Images whose description text or keywords match `expression` (an FTS5 `MATCH` expression that
    /// the caller built with `FullTextExpression`, never raw user text), best first, at most `limit`;
    /// with `include`, only the images it accepts, scored as in the whole index.
    func fullTextMatches(_ expression: FullTextExpression, limit: Int, where include: (@Sendable (ImageID) -> Bool)?) throws
        -> [FullTextMatch]

    /// The stored embeddings of one kind as one contiguous matrix (memory-mapped where the store can).
    func embeddingMatrix(_ kind: EmbeddingKind) throws -> EmbeddingMatrix

    /// What search needs to explain and filter results, for the given images (missing ids are skipped).
    func searchDocuments(_ ids: [ImageID]) throws -> [SearchDocument]

    /// How many described images the index holds.
    func describedImageCount() throws -> Int

    /// The images whose files lie under one of `places` (absolute paths of folders or files, at folder
    /// boundaries: `/a/photos` holds `/a/photos/x.jpg`, not `/a/photos2/x.jpg`), whatever their status
    /// (rankers only ever return described ones), in any order; an image under two places may come twice.
    func imageIDs(under places: [String]) throws -> [ImageID]

    /// The images taken within `range` (by the date their files record), whatever their status, in the order
    /// they were taken (by that date, then by id).
    func imageIDs(taken range: TakenRange) throws -> [ImageID]

    /// Every image, whatever its status: those whose files record when they were taken, in that order (then by
    /// id), and the others by id.
    func imageIDsInTakenOrder() throws -> (dated: [ImageID], undated: [ImageID])

    /// `images` in the same order as `imageIDsInTakenOrder()`: those whose files record when they were taken,
    /// in that order (then by id), and the others by id. Ids the index does not hold are left out.
    func imageIDsInTakenOrder(among images: [ImageID]) throws -> (dated: [ImageID], undated: [ImageID])

    /// The images rated at least `stars` (1 to 5) in their tags (`PhotoTags.rating`), in any order.
    func imageIDs(ratedAtLeast stars: Int) throws -> [ImageID]

    /// The images taken within `area` (`PhotoTags.location`), in any order.
    func imageIDs(takenWithin area: NearbyArea) throws -> [ImageID]

    /// Every camera that took an indexed image (`PhotoTags.camera`), with how many, most first (ties by name).
    func cameras() throws -> [NamedCount]

    /// The images taken with one of `cameras` (names exactly as `cameras()` gives them), in any order.
    func imageIDs(takenWith cameras: [String]) throws -> [ImageID]

    /// The images one of whose place names (`SearchDocument.placeNames`) is `name`, compared as
    /// `PlaceNameKey` folds them (`lisbon`, `sao paulo`), in any order.
    func imageIDs(takenAt name: String) throws -> [ImageID]

    /// How many images the index holds (whatever their status) when every one lies under one of
    /// `places`; nil otherwise. A search within the library's root folder then needs no scope.
    func imageCount(ifAllUnder places: [String]) throws -> Int?

    /// The `words` (as typed) that no description, tag or file name holds, each with the word it was probably
    /// meant to be (`UnknownWord`); words of fewer than three letters, or with other characters than
    /// letters, are not looked at.
    func unknownWords(_ words: [String]) throws -> [UnknownWord]
}

extension SearchableIndex {
    /// Nil: the caller finds the images under `places` one by one.
    public func imageCount(ifAllUnder places: [String]) throws -> Int? { nil }

    /// None: an index that cannot tell suggests nothing.
    public func unknownWords(_ words: [String]) throws -> [UnknownWord] { [] }
}

extension SearchableIndex {
    /// The images taken with a camera that `query` matches, in any order, and those cameras.
    public func imageIDs(takenWith query: CameraQuery) throws -> (images: [ImageID], cameras: [NamedCount]) {
        let cameras = query.matching(try cameras())
        return (cameras.isEmpty ? [] : try imageIDs(takenWith: cameras.map(\.name)), cameras)
    }

    /// Every image whose description matches `expression`, best first, at most `limit`.
    public func fullTextMatches(_ expression: FullTextExpression, limit: Int) throws -> [FullTextMatch] {
        try fullTextMatches(expression, limit: limit, where: nil)
    }
}

/// The range of paths under `place` for a prefix search over sorted paths: `place` itself, or from
/// `place + "/"` up to, not including, `place + "0"` ("0" follows "/" in byte order).
public func pathRange(under place: String) -> (exact: String, from: String, before: String) {
    let trimmed = place.count > 1 && place.hasSuffix("/") ? String(place.dropLast()) : place
    let prefix = trimmed.hasSuffix("/") ? trimmed : trimmed + "/"
    return (trimmed, prefix, String(prefix.dropLast()) + "0")
}

/// A circle on the globe: what `--near` searches in.
public struct NearbyArea: Sendable, Hashable, Codable, CustomStringConvertible {
    public var center: PhotoLocation
    public var kilometres: Double
    /// The place's name when it was given by one (`Lisbon, Portugal`).
    public var name: String?

    public init(center: PhotoLocation, kilometres: Double, name: String? = nil) {
        self.center = center
        self.kilometres = kilometres
        self.name = name
    }

    public func contains(_ location: PhotoLocation) -> Bool { center.kilometres(to: location) <= kilometres }

    /// Latitudes and longitudes that hold the circle (every longitude near a pole or across the date line).
    public var bounds: (latitudes: ClosedRange<Double>, longitudes: ClosedRange<Double>) {
        let latitudeSpan = kilometres / 111.19
        let latitudes = max(-90, center.latitude - latitudeSpan)...min(90, center.latitude + latitudeSpan)
        let narrowest = cos(max(abs(latitudes.lowerBound), abs(latitudes.upperBound)) * .pi / 180)
        guard narrowest > 0.01 else { return (latitudes, -180...180) }
        let longitudeSpan = latitudeSpan / narrowest
        let west = center.longitude - longitudeSpan, east = center.longitude + longitudeSpan
        guard west >= -180, east <= 180 else { return (latitudes, -180...180) }
        return (latitudes, west...east)
    }

    /// `2.0 km of 48.85837,2.29448`; `30 km of Lisbon, Portugal (38.71667,-9.13333)`.
    public var description: String {
        let distance = kilometres < 10 ? String(format: "%.1f", kilometres) : String(format: "%.0f", kilometres)
        return "\(distance) km of " + (name.map { "\($0) (\(center))" } ?? "\(center)")
    }
}

/// An FTS5 `MATCH` expression built from escaped terms only. Construct it from terms, never from raw text.
public struct FullTextExpression: Sendable, Hashable {
    /// The expression exactly as it is handed to SQLite.
    public let sql: String
    /// The terms it holds, trimmed, in order; a term with several words is a phrase.
    public let terms: [String]

    /// Any of the terms, each quoted as an FTS5 string (embedded quotes doubled), so that operators,
    /// column filters, `*`, `^` and `NEAR` in user text are plain words. A term with several words is a
    /// phrase. Empty terms are dropped; nil when none is left.
    public init?(anyOf terms: [String]) {
        self.terms = terms
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        let quoted = self.terms
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard !quoted.isEmpty else { return nil }
        sql = quoted.joined(separator: " OR ")
    }
}

/// One full-text hit: the image and its BM25 score (higher is better; SQLite's `bm25()` negated).
public struct FullTextMatch: Sendable, Hashable {
    public var image: ImageID
    public var score: Double
    public init(image: ImageID, score: Double) {
        self.image = image
        self.score = score
    }
}

/// The kinds of embeddings an index stores.
public enum EmbeddingKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// CLIP embedding of the whole image; one row per image.
    case image
    /// CLIP embeddings of kept regions; one row per region.
    case region
    /// Sentence embedding (MiniLM) of the description text; one row per image.
    case text
}

/// What search shows and filters on for one image.
public struct SearchDocument: Sendable, Hashable {
    public var id: ImageID
    public var path: String
    public var caption: String
    public var text: String
    public var keywords: [String]
    public var compounds: [String]
    /// Kept regions, in the order of the description (the `regionIndex` of region embeddings).
    public var regions: [SearchRegion]
    /// When the photo was taken (`FileFacts.taken`), nil when its file records no date or was not read for it.
    public var taken: String?
    /// What people tagged in their photo manager (`PhotoTags`), nil when nothing.
    public var tags: PhotoTags?
    /// The names of the place it was taken at, from its location (`PlaceNaming`: `Amadora, Lisbon, Portugal`);
    /// nil when it records none or it was not named yet.
    public var place: String?

    /// The place to show: the names a photo manager gave (`PhotoTags.place`), else those named from its location.
    public var placeName: String? {
        if let names = tags?.place, !names.isEmpty { return names.joined(separator: ", ") }
        return place
    }

    /// Every name of its place: a photo manager's (`PhotoTags.place`) and those named from its location.
    public var placeNames: [String] {
        (tags?.place ?? []) + (place.map { $0.components(separatedBy: ", ") } ?? [])
    }

    /// The names of the folders it lies in that say something about it (`FolderNames`: `Lisbon trip`).
    public var folderNames: [String] { FolderNames.of(path: path) }

    /// The words of its file's name that say something about it (`FileNameWords`: `golden retriever puppy`).
    public var fileNameWords: String? { FileNameWords.of(path: path) }

    /// The words full-text search reads besides the description: the tags' `searchText`, the place's names,
    /// and the telling folder names and file name (`pathNames`).
    public var tagSearchText: String {
        ([tags?.searchText, place] + Self.pathNames(of: path)).compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// What a path adds to the words searched: its telling folder names, then its file name's words unless
    /// a folder has the same name.
    public static func pathNames(of path: String) -> [String] {
        let folders = FolderNames.of(path: path)
        guard let file = FileNameWords.of(path: path),
              !folders.contains(where: { $0.caseInsensitiveCompare(file) == .orderedSame }) else { return folders }
        return folders + [file]
    }

    public init(id: ImageID, path: String, caption: String, text: String, keywords: [String],
                compounds: [String], regions: [SearchRegion], taken: String? = nil, tags: PhotoTags? = nil, place: String? = nil) {
        self.taken = taken
        self.tags = tags
        self.place = place
        self.id = id
        self.path = path
        self.caption = caption
        self.text = text
        self.keywords = keywords
        self.compounds = compounds
        self.regions = regions
    }
}

/// A kept region as search sees it.
public struct SearchRegion: Sendable, Hashable {
    public var box: PixelBox
    public var caption: String
    public init(box: PixelBox, caption: String) {
        self.box = box
        self.caption = caption
    }
}
