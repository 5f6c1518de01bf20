import Foundation
import GlimpseImage

// Tags people wrote (`PhotoTags`), read again for unchanged photos: their sidecar changed, or they were
// indexed before the index stored tags.
extension Indexer {
    /// Reads the tags of `images` (each with the file the scan found) and records them, a few hundred at a
    /// time; a file that cannot be read now is tried by a later run. Returns how many were recorded.
    func readTags(of images: [(image: IndexedImage, file: ScannedFile)], progress: @Sendable (IndexEvent) -> Void) async throws -> Int {
        var recorded = 0
        if !images.isEmpty { progress(.readingTags(done: 0, total: images.count)) }
        for start in stride(from: 0, to: images.count, by: 500) {
            if Task.isCancelled { break }
            let batch = Array(images[start..<min(images.count, start + 500)])
            let tags = await offload { Self.tags(of: batch) }
            try store.recordTags(tags)
            recorded += tags.count
            progress(.readingTags(done: start + batch.count, total: images.count))
        }
        return recorded
    }

    /// The tags of `images`' files and sidecars (`readingFiles`); the files that cannot be read are left out.
    static func tags(of images: [(image: IndexedImage, file: ScannedFile)]) -> [(image: ImageID, tags: PhotoTags, stamp: String)] {
        readingFiles(of: images) { image, file in
            // Mapped: only the pages that the metadata lies in are read (`PhotoTags.read`).
            guard let data = try? Data(contentsOf: URL(filePath: file.path), options: .alwaysMapped) else { return nil }
            let tags = PhotoTags.read(from: data, format: ImageFormat.detect(data.prefix(16)),
                                      sidecar: XMPSidecars.contents(of: file.sidecar))
            return (image.id, tags, file.tagsStamp)
        }
    }
}

extension Indexer {
    /// Whether the file of `facts` holds the picture `known` was described from: the same bytes, or the
    /// same picture with other metadata (`ContentHash.ofPicture`: tags a photo manager wrote into it).
    static func samePicture(_ known: IndexedImage, _ facts: FileFacts) -> Bool {
        if let hash = facts.contentHash, known.facts.contentHash == hash { return true }
        guard let picture = facts.pictureHash else { return false }
        return known.facts.pictureHash == picture
    }
}
