import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseSearch
@testable import GlimpseServer

/// A real SQLite index in a temporary folder, over real image files: two photos, a cartoon, a file that
/// is not an image and a described file that was deleted since. Search is full text only (no models).
final class ServerFixture: @unchecked Sendable {  // `ids` is behind `lock`; the rest never changes
    let folder: URL
    let store: SQLiteIndexStore
    let library: SearchLibrary
    /// Image IDs by file name.
    private var ids: [String: ImageID] = [:]
    private let lock = NSLock()

    init(thumbnailBudget: Int = 64 << 20, places: GazetteerFile? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteIndexStore(url: folder.appending(path: "index.sqlite"))
        library = SearchLibrary(store: store, searcher: Searcher(index: store, keywords: PlainKeywords()), places: places,
                                thumbnailBudget: thumbnailBudget)
        try add("dog.jpg", data: JPEGEncoder.encode(Self.gradient(width: 400, height: 300)),
                caption: "a brown dog sleeping on a couch", size: PixelSize(width: 400, height: 300),
                regions: [("a blue collar", PixelBox(x: 40, y: 60, width: 120, height: 90))])
        try add("cartoon.png", data: PNGEncoder.encode(Self.gradient(width: 200, height: 100)),
                caption: "cartoon illustration of a dog on a couch", size: PixelSize(width: 200, height: 100))
        try add("knife.jpg", data: JPEGEncoder.encode(Self.gradient(width: 640, height: 480)),
                caption: "a knife on a cutting board", size: PixelSize(width: 640, height: 480))
        try add("broken.jpg", data: Data("not an image at all".utf8), caption: "a broken knife", size: PixelSize(width: 1, height: 1))
        try add("gone.jpg", data: Data(), caption: "a knife that was deleted", size: PixelSize(width: 1, height: 1))
        try FileManager.default.removeItem(at: url("gone.jpg"))
        try store.prepareForSearch()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func url(_ name: String) -> URL { folder.appending(path: name) }

    func id(_ name: String) -> ImageID { lock.withLock { ids[name]! } }

    /// Writes `data` as `name` and stores its description (keywords are the caption's words) with the
    /// CLIP image embedding `image`.
    func add(_ name: String, data: Data, caption: String, size: PixelSize, regions: [(String, PixelBox)] = [],
             image: [Float] = [1, 0]) throws {
        try data.write(to: url(name))
        let described = regions.map { caption, box in
            DescribedRegion(box: box, area: box.area, stability: 0.97, caption: caption, score: 0.4, status: .kept,
                            embedding: [0.6, 0.8])
        }
        let text = ([caption] + regions.map(\.0)).joined(separator: ". ")
        let keywords = PlainKeywords().keywords(in: text)
        let description = Description(mode: .full, imageSize: size, caption: caption, regions: described, text: text,
                                      keywords: keywords.words, compounds: keywords.compounds,
                                      embeddings: DescriptionEmbeddings(image: image, text: [0, 1]))
        let id = try store.saveDescription(description, for: FileFacts(path: url(name).path))
        lock.withLock { ids[name] = id }
    }

    /// A smooth colour ramp (JPEG-friendly, and not one colour, so scaling is visible).
    static func gradient(width: Int, height: Int) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let offset = 3 * (y * width + x)
                pixels[offset] = UInt8(255 * x / max(1, width - 1))
                pixels[offset + 1] = UInt8(255 * y / max(1, height - 1))
                pixels[offset + 2] = 128
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
