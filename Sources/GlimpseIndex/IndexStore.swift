import Foundation
import GlimpseDescribe
import GlimpseImage

/// Where an image stands in the index.
public enum ImageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Found by a scan, not described yet (a run was stopped before it got there).
    case pending
    /// Described in quick mode (caption and CLIP embedding); a full pass enriches it.
    case quick
    /// Described with the whole method.
    case full
    /// Describing failed; `error` says why. Retried when the file changes.
    case failed
}

/// What the file system says about one image file. `size` and `modified` are nil for images imported
/// without a file: those rows are never touched by a scan.
public struct FileFacts: Sendable, Hashable {
    /// The path as the scan reached it (not resolved through symlinks).
    public var path: String
    public var size: Int64?
    /// Modification time, seconds since 1970 (nanosecond precision where the system has it).
    public var modified: Double?
    /// Non-cryptographic 128-bit fingerprint of the bytes (`ContentHash`), nil until the file was read.
    public var contentHash: String?
    /// `ImageFormat.rawValue`, nil when not known.
    public var format: String?
    /// `ContentHash.ofPicture`: the fingerprint of the picture without the file's metadata; nil when not
    /// read, or for a format where it is not known.
    public var pictureHash: String?
    /// When the photo was taken (`ExifDateTaken`, else `FileNameDate`: `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD`);
    /// "" when the file was read and says no date; nil when it was not read for it (then a stored date is kept).
    public var taken: String?
    /// What people tagged in their photo manager, read from the file and its sidecar; meaningful only
    /// with `tagsStamp`.
    public var tags: PhotoTags?
    /// `ScannedFile.tagsStamp` when the tags were read; nil when they were not (then stored tags are kept).
    public var tagsStamp: String?

    public init(path: String, size: Int64? = nil, modified: Double? = nil, contentHash: String? = nil, format: String? = nil,
                taken: String? = nil, tags: PhotoTags? = nil, tagsStamp: String? = nil, pictureHash: String? = nil) {
        self.pictureHash = pictureHash
        self.tags = tags
        self.tagsStamp = tagsStamp
        self.path = path
        self.size = size
        self.modified = modified
        self.contentHash = contentHash
        self.format = format
        self.taken = taken
    }
}

/// One image row as the indexer sees it.
public struct IndexedImage: Sendable, Hashable {
    public var id: ImageID
    public var facts: FileFacts
    public var status: ImageStatus
    public var error: String?
    public init(id: ImageID, facts: FileFacts, status: ImageStatus, error: String? = nil) {
        self.id = id
        self.facts = facts
        self.status = status
        self.error = error
    }
}

/// What `glimpse status` prints: counts, models, errors and the index's size on disk.
public struct IndexSummary: Sendable, Hashable {
    /// Images per status (every status present, zero when none).
    public var counts: [ImageStatus: Int]
    /// Stored embeddings per kind.
    public var embeddings: [EmbeddingKind: Int]
    /// Distinct models that wrote the stored descriptions, with how many images each described.
    public var models: [ModelUse]
    /// The most recent failures: path and message.
    public var recentErrors: [FailedImage]
    /// Bytes on disk: database, its WAL and the embedding sidecar files (0 for in-memory stores).
    public var bytesOnDisk: Int64
    /// Where the index lives; nil in memory.
    public var location: String?
    /// Descriptions of removed images kept aside (`IndexStore.shelvedDescription(withContentHash:)`).
    public var shelved: Int = 0
    /// Images whose files record when they were taken, and the earliest and latest of those dates.
    public var dated = DatedImages()
    /// Images per file format (`ImageFormat.rawValue`), those of unknown format left out.
    public var formats: [String: Int] = [:]
    /// Images that people tagged in their photo manager (`PhotoTags`), how many carry each rating, where
    /// they were taken and with which cameras.
    public var tagged = TaggedImages()
    /// The folders the index was built from, with the images indexed under each.
    public var libraryFolders: [LibraryFolderCount] = []
    /// What the last index run did and when it ended; nil before the first.
    public var lastRun: IndexRunRecord?

    public var total: Int { counts.values.reduce(0, +) }

    public struct LibraryFolderCount: Sendable, Hashable, Encodable {
        public var path: String
        public var exclusionPatterns: [String]
        public var images: Int
    }

    public struct DatedImages: Sendable, Hashable, Encodable {
        public var images = 0
        public var earliest: String?
        public var latest: String?
        public init(images: Int = 0, earliest: String? = nil, latest: String? = nil) {
            self.images = images
            self.earliest = earliest
            self.latest = latest
        }
    }

    public struct TaggedImages: Sendable, Hashable, Encodable {
        public var images = 0
        /// Images per rating: "1" to "5" stars, "-1" rejected.
        public var ratings: [String: Int] = [:]
        /// Images whose files record where they were taken (`PhotoTags.location`).
        public var located = 0
        /// Located images whose place was named after a town (`PlaceNaming`).
        public var named = 0
        /// The towns most photos were taken in, most first (at most `topTowns`), with how many.
        public var towns: [NamedCount] = []
        /// How many towns `towns` lists at most.
        public static let topTowns = 10
        /// The cameras that took most photos, most first (at most `topCameras`), with how many (`PhotoTags.camera`).
        public var cameras: [NamedCount] = []
        /// How many cameras `cameras` lists at most.
        public static let topCameras = 10
        /// How many different cameras took indexed photos.
        public var cameraCount = 0

        public init(images: Int = 0, ratings: [String: Int] = [:], located: Int = 0, named: Int = 0, towns: [NamedCount] = []) {
            self.images = images
            self.ratings = ratings
            self.located = located
            self.named = named
            self.towns = towns
        }
    }

    public struct ModelUse: Sendable, Hashable {
        public var model: ModelStamp
        public var images: Int
    }

    public struct FailedImage: Sendable, Hashable {
        public var path: String
        public var message: String
    }
}

/// A name (a town's, a camera's) and how many indexed images carry it.
public struct NamedCount: Sendable, Hashable, Codable {
    public var name: String
    public var images: Int

    public init(name: String, images: Int) {
        self.name = name
        self.images = images
    }
}

/// What the indexer, `glimpse status` and `glimpse import` need from an index, on top of what search reads.
///
/// Every write is one transaction: a process killed at any point leaves the index as it was before
/// the write or after it. `SQLiteIndexStore` is the implementation.
public protocol IndexStore: SearchableIndex {
    /// Every image whose path is under one of `roots` (a root itself or below it, by path prefix).
    func images(under roots: [String]) throws -> [IndexedImage]

    /// The folders the index was built from (`LibraryFolder`), sorted by path.
    func libraryFolders() throws -> [LibraryFolder]

    /// Replaces the folders the index was built from.
    func setLibraryFolders(_ folders: [LibraryFolder]) throws

    /// Keeps `record` as the last run's, in place of the one before.
    func recordRun(_ record: IndexRunRecord) throws

    /// Every image whose file lies directly in `folder` (not in a subfolder).
    func images(directlyIn folder: String) throws -> [IndexedImage]

    /// The image stored at `path`, if any.
    func image(atPath path: String) throws -> IndexedImage?

    /// Images with this content hash that have a description (status quick or full), full ones first.
    func describedImages(withContentHash hash: String) throws -> [IndexedImage]

    /// Adds rows with status `pending` for paths the index does not hold yet (existing paths untouched).
    func addPending(_ files: [FileFacts]) throws

    /// Stores `description` for the file at `facts.path` (inserting or replacing the image row and
    /// everything derived from it: regions, keywords, full-text row, embeddings) in one transaction.
    @discardableResult
    func saveDescription(_ description: Description, for facts: FileFacts) throws -> ImageID

    /// Marks the image at `facts.path` failed with `message` (inserting the row if needed); its old
    /// description, if any, is removed so that search never shows a stale one.
    func recordFailure(_ message: String, for facts: FileFacts) throws

    /// Records, durably, that a run begins to decode and describe the file at `path` (counting the runs
    /// that did so without finishing it).
    func beginAttempt(at path: String) throws

    /// Records that the run is done with the file at `path`, whatever the outcome.
    func endAttempt(at path: String) throws

    /// The files that runs began on and never finished (the process was killed, or crashed), with how many
    /// runs did so.
    func unfinishedAttempts() throws -> [String: Int]

    /// Moves image `id` to a new path (a renamed file): its description is kept.
    /// A pending row at the new path is replaced.
    func moveImage(_ id: ImageID, to facts: FileFacts) throws

    /// Records when photos were taken (`FileFacts.taken`) for images whose files are unchanged: those
    /// indexed before the index stored dates. Unknown ids are ignored.
    func recordDatesTaken(_ dates: [(image: ImageID, taken: String)]) throws

    /// Records the tags read for images whose files are unchanged (their sidecar changed, or they were
    /// indexed before the index stored tags), with the stamp they were read under. Unknown ids are ignored.
    func recordTags(_ tags: [(image: ImageID, tags: PhotoTags, stamp: String)]) throws

    /// Names the places of the located images whose names are missing or were given by another namer
    /// or for another location, and forgets those of images no longer located. Returns how many changed.
    func namePlaces(with naming: any PlaceNaming) throws -> Int

    /// Stores for `facts.path` a copy of image `source`'s description (the same content at another path).
    @discardableResult
    func copyDescription(of source: ImageID, to facts: FileFacts) throws -> ImageID

    /// Removes images and everything derived from them. With `shelving`, the description of each one
    /// that has a content hash and no described copy left in the index is kept aside by its content, so
    /// that the same picture indexed again takes it back (`restoreShelvedDescription`).
    func removeImages(_ ids: [ImageID], shelving: Bool) throws

    /// The description kept aside for this content, if any.
    func shelvedDescription(withContentHash hash: String) throws -> ShelvedDescription?

    /// Stores the description kept aside for `facts.contentHash` for the file at `facts.path` (as
    /// `saveDescription` would) and takes it off the shelf; nil, changing nothing, when none is kept.
    func restoreShelvedDescription(for facts: FileFacts) throws -> ImageID?

    /// Deletes the kept descriptions last seen under `places` (folders or files, by path prefix); with
    /// `dryRun`, only counts them. Returns the number per place, in order (one description counts under
    /// every place it is under).
    func discardShelvedDescriptions(under places: [String], dryRun: Bool) throws -> [Int]

    /// Deletes the descriptions kept aside before `date`; returns how many.
    @discardableResult
    func discardShelvedDescriptions(shelvedBefore date: Date) throws -> Int

    /// The stored description of `id` with its embeddings, or nil when it has none.
    func description(of id: ImageID) throws -> Description?

    /// Counts, models, recent errors and size, for `glimpse status`.
    func summary() throws -> IndexSummary

    /// The described files stored more than once (`glimpse duplicates`), those with a copy under one of
    /// `places` when given (`SQLiteIndexStore.identicalFiles(under:)`).
    func identicalFiles(under places: [String]) throws -> [IdenticalFiles]

    /// Builds what makes search fast for the index as it is now (the full-text postings, the embedding
    /// files); index and import runs call it when they finish. Search works without it, more slowly.
    func prepareForSearch() throws

    /// The file an index run locks so that two runs never work on this index at once (other processes
    /// may still read and write it); nil for an index no other process can see.
    var runLockURL: URL? { get }
}

extension IndexStore {
    /// Removes images and everything derived from them, keeping their descriptions aside
    /// (`removeImages(_:shelving:)`).
    public func removeImages(_ ids: [ImageID]) throws { try removeImages(ids, shelving: true) }

    public func prepareForSearch() throws {}
    public var runLockURL: URL? { nil }
}
