import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex

/// A store shaped like one a full `glimpse index` run leaves: per image a synthetic BLIP-like
/// description (the index-scale generator's), a 512-d CLIP image embedding, two region embeddings and
/// a 384-d text embedding (random unit vectors: latency does not depend on what they mean).
struct FullIndexBuilder {
    var count: Int
    var clipDimension = 512
    var textDimension = 384
    /// Gives every file a distinct content hash, as an index run does (kept descriptions need one).
    var contentHashes = false

    /// The store in `folder` when an earlier run built one there with as many images, else a new one.
    func open(at folder: URL) throws -> SQLiteIndexStore {
        let url = folder.appending(path: "index.sqlite")
        if FileManager.default.fileExists(atPath: url.path) {
            let store = try SQLiteIndexStore(url: url)
            if try store.embeddingMatrix(.image).rows == count { return store }
            try FileManager.default.removeItem(at: folder)
        }
        return try build(at: url)
    }

    func build(at url: URL) throws -> SQLiteIndexStore {
        let store = try SQLiteIndexStore(url: url)
        var generator = IndexScaleBenchmark.Generator(state: 1)
        func unitVector(_ dimension: Int) -> [Float] {
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
            let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
            return vector.map { $0 / norm }
        }
        var batch: [(description: Description, facts: FileFacts)] = []
        for index in 0..<count {
            let caption = "\(IndexScaleBenchmark.subjects.randomElement(using: &generator)!) "
                + "\(IndexScaleBenchmark.verbs.randomElement(using: &generator)!) \(IndexScaleBenchmark.places.randomElement(using: &generator)!)"
            let regions = (0..<2).map { _ in
                DescribedRegion(box: PixelBox(x: Int.random(in: 0..<400, using: &generator), y: Int.random(in: 0..<300, using: &generator),
                                              width: 120, height: 90),
                                area: 120 * 90, stability: 0.95, caption: IndexScaleBenchmark.details.randomElement(using: &generator)!,
                                score: 0.3, status: .kept, embedding: unitVector(clipDimension))
            }
            let text = ([caption] + regions.compactMap(\.caption)).joined(separator: ". ")
            let words = text.split(whereSeparator: { $0 == " " || $0 == "." }).map(String.init).filter { $0.count > 3 }
            let description = Description(
                mode: .full, imageSize: PixelSize(width: 640, height: 480), caption: caption, regions: regions, text: text,
                keywords: Array(Set(words)).sorted(), compounds: ["\(words.first ?? "x")-\(words.last ?? "y")"],
                embeddings: DescriptionEmbeddings(image: unitVector(clipDimension), text: unitVector(textDimension)))
            batch.append((description, FileFacts(path: "/synthetic/\(index / 1000)/img\(index).jpg",
                                                 contentHash: contentHashes ? String(format: "%032x", index) : nil)))
            if batch.count == 1000 {
                try store.saveDescriptions(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try store.saveDescriptions(batch)
        try store.prepareForSearch()
        for kind in EmbeddingKind.allCases { _ = try store.embeddingMatrix(kind) }  // the sidecars, as the first search would
        return store
    }
}
