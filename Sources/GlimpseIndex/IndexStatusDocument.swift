import Foundation

/// The JSON form of `IndexSummary`: what `glimpse status --json` prints and the server's `/api/status` returns.
public struct IndexStatusDocument: Encodable, Sendable {
    public var index: String?
    public var bytesOnDisk: Int64
    public var images: [String: Int]
    public var embeddings: [String: Int]
    public var models: [Model]
    public var recentErrors: [Failure]
    /// Descriptions of removed images kept aside (taken back when the same pictures are indexed again).
    public var shelvedDescriptions: Int
    /// How many images record when they were taken, and the earliest and latest date (`--taken` spans).
    public var datesTaken: IndexSummary.DatedImages
    /// Images per file format ("JPEG", "camera raw", …).
    public var formats: [String: Int]
    /// Images tagged in a photo manager (XMP, IPTC, sidecar files; a place recorded by the camera counts, its
    /// name does not), how many carry each rating, how many record where they were taken, and the cameras
    /// that took most of them.
    public var tags: IndexSummary.TaggedImages
    /// The folders the index was built from (what `glimpse index` without folders looks at), with their
    /// exclusion patterns and the images indexed under each.
    public var libraryFolders: [IndexSummary.LibraryFolderCount]
    /// What the last index run did and when it ended (absent before the first).
    public var lastRun: IndexRunRecord?

    public struct Model: Encodable, Sendable {
        public var role: String
        public var identifier: String
        public var revision: String?
        public var images: Int
    }

    public struct Failure: Encodable, Sendable {
        public var path: String
        public var message: String
    }

    public init(_ summary: IndexSummary) {
        index = summary.location
        bytesOnDisk = summary.bytesOnDisk
        images = Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.key.rawValue, $0.value) })
        images["total"] = summary.total
        embeddings = Dictionary(uniqueKeysWithValues: summary.embeddings.map { ($0.key.rawValue, $0.value) })
        models = summary.models.map { Model(role: $0.model.role.rawValue, identifier: $0.model.identifier, revision: $0.model.revision,
                                            images: $0.images) }
        recentErrors = summary.recentErrors.map { Failure(path: $0.path, message: $0.message) }
        shelvedDescriptions = summary.shelved
        datesTaken = summary.dated
        formats = summary.formats
        tags = summary.tagged
        libraryFolders = summary.libraryFolders
        lastRun = summary.lastRun
    }
}
