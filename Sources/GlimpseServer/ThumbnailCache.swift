import Foundation
import GlimpseIndex

/// Encoded thumbnails kept in memory, least recently used dropped first once `budget` bytes are held.
final class ThumbnailCache: @unchecked Sendable {
    /// A thumbnail of one version of one file: a changed file (size or modification time) is a new key.
    struct Key: Hashable {
        var image: ImageID
        var side: Int
        var fileSize: Int64
        var modified: Double

        /// An HTTP entity tag for this version.
        var entityTag: String { "\"\(image)-\(side)-\(fileSize)-\(Int64(modified * 1000))\"" }
    }

    private struct Entry {
        var data: Data
        var lastUse: UInt64
    }

    /// At most this many bytes of thumbnails are kept.
    let budget: Int
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var bytes = 0
    private var clock: UInt64 = 0

    init(budget: Int) {
        self.budget = budget
    }

    /// Bytes held now.
    var heldBytes: Int { lock.withLock { bytes } }

    func thumbnail(for key: Key) -> Data? {
        lock.withLock {
            guard var entry = entries[key] else { return nil }
            clock += 1
            entry.lastUse = clock
            entries[key] = entry
            return entry.data
        }
    }

    /// Forgets every thumbnail (the index was replaced: an image ID may now name another file).
    func removeAll() {
        lock.withLock {
            entries = [:]
            bytes = 0
        }
    }

    /// Keeps `data` for `key` (a thumbnail larger than the whole budget is not kept).
    func insert(_ data: Data, for key: Key) {
        guard data.count <= budget else { return }
        lock.withLock {
            clock += 1
            if let old = entries.updateValue(Entry(data: data, lastUse: clock), forKey: key) { bytes -= old.data.count }
            bytes += data.count
            while bytes > budget, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                entries[oldest.key] = nil
                bytes -= oldest.value.data.count
            }
        }
    }
}
