import Foundation
import GlimpseImage
import Synchronization

// When photos were taken, read for images indexed before the index stored dates.
extension Indexer {
    /// Reads when each photo was taken from the files of `images` (indexed before the index stored dates)
    /// and records it, a few hundred at a time; a file that cannot be read now is tried by a later run.
    /// Returns how many were recorded.
    func readDatesTaken(of images: [IndexedImage], progress: @Sendable (IndexEvent) -> Void) async throws -> Int {
        var recorded = 0
        if !images.isEmpty { progress(.readingDates(done: 0, total: images.count)) }
        for start in stride(from: 0, to: images.count, by: 500) {
            if Task.isCancelled { break }
            let batch = images[start..<min(images.count, start + 500)]
            let dates = await offload { Self.datesTaken(of: Array(batch)) }
            try store.recordDatesTaken(dates)
            recorded += dates.count
            progress(.readingDates(done: start + batch.count, total: images.count))
        }
        return recorded
    }

    /// The dates of `images`' files (`readingFiles`); the files that cannot be read are left out.
    static func datesTaken(of images: [IndexedImage]) -> [(image: ImageID, taken: String)] {
        readingFiles(of: images) { image in dateTaken(ofFileAt: image.facts.path).map { (image.id, $0) } }
    }

    /// `read` for each of `items`, four at a time (a disk answers several reads at once faster than one
    /// after another), in order; the nil answers (files that cannot be read) left out.
    static func readingFiles<Item: Sendable, Answer: Sendable>(of items: [Item], _ read: @Sendable (Item) -> Answer?) -> [Answer] {
        let found = Mutex([Answer?](repeating: nil, count: items.count))
        let lanes = 4
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: items.count, by: lanes) {
                guard let answer = read(items[index]) else { continue }
                found.withLock { $0[index] = answer }
            }
        }
        return found.withLock { $0.compactMap { $0 } }
    }

    /// When the photo in the file at `path` was taken ("" for no date), from its first mebibyte (where
    /// cameras write EXIF; a TIFF file is read whole, since its tags may come last); nil when it cannot be read.
    static func dateTaken(ofFileAt path: String) -> String? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        guard var data = try? file.read(upToCount: 1 << 20), let format = ImageFormat.detect(data.prefix(16)) else { return nil }
        if format == .tiff, data.count == 1 << 20 {
            guard let rest = try? file.readToEnd() else { return nil }
            data += rest
        }
        return FileNameDate.dateTaken(in: data, format: format, path: path)
    }
}
