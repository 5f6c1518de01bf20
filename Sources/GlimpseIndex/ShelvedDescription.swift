import Foundation

/// The description of a removed image, kept aside by the image's content.
///
/// Describing a photo fully takes seconds; a folder deleted by mistake, moved out of the indexed folders
/// and back, left out by too wide an exclusion, or forgotten with `glimpse forget` would otherwise be
/// described again from scratch. When an index run finds a file whose content matches a kept description
/// (and no described copy is in the index), it takes the description back without running a model.
/// Kept descriptions expire after `IndexOptions.shelfLife`; `glimpse forget --for-good` deletes them at once.
public struct ShelvedDescription: Sendable, Hashable {
    /// The content fingerprint (`FileFacts.contentHash`) of the removed image.
    public var contentHash: String
    /// `quick` or `full`: what an index run in full mode may take back.
    public var status: ImageStatus
    /// Where the image was when it was removed.
    public var path: String
    /// When it was removed.
    public var shelvedAt: Date

    /// How long an index run keeps a description aside by default (`IndexOptions.shelfLife`), in days.
    public static let defaultShelfLifeDays = 30

    public init(contentHash: String, status: ImageStatus, path: String, shelvedAt: Date) {
        self.contentHash = contentHash
        self.status = status
        self.path = path
        self.shelvedAt = shelvedAt
    }
}
