import Foundation
import GlimpseDescribe
import GRDB
import GlimpseImage
import GlimpseText
@testable import GlimpseIndex

/// Describes a picture by its average colour: "a photo of a red square", with a kept region, keywords,
/// the compound `red-square` and small unit embeddings. Counts its calls; can be slowed down or made to fail.
final class FakeDescriber: ImageDescribing, @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [DescribeMode] = []
    private var earlier: [String?] = []
    let delay: Double
    let failOnColor: String?

    init(delay: Double = 0, failOnColor: String? = nil) {
        self.delay = delay
        self.failOnColor = failOnColor
    }

    var callCount: Int { lock.withLock { calls.count } }
    var modes: [DescribeMode] { lock.withLock { calls } }
    /// Per call, the mode and text of the earlier description the indexer offered for reuse (nil: none).
    var offered: [String?] { lock.withLock { earlier } }

    /// Says it kept the caption whenever it was offered an earlier description in full mode.
    func describe(_ image: RGBImage, mode: DescribeMode, reusing previous: Description?) throws -> Description {
        lock.withLock { earlier.append(previous.map { "\($0.mode.rawValue): \($0.text)" }) }
        var description = try describe(image, mode: mode)
        if mode == .full, previous != nil { description.statistics = DescribeStatistics(captionReused: true) }
        return description
    }

    static func colorName(_ image: RGBImage) -> String {
        let (red, green, blue) = image.rgb(x: image.width / 2, y: image.height / 2)
        if red > 200 && green < 60 && blue < 60 { return "red" }
        if green > 200 && red < 60 && blue < 60 { return "green" }
        if blue > 200 && red < 60 && green < 60 { return "blue" }
        if red > 200 && green > 200 && blue < 60 { return "yellow" }
        return "gray"
    }

    func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
        lock.withLock { calls.append(mode) }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let color = Self.colorName(image)
        if color == failOnColor { throw FakeError.refused(color) }
        let (red, green, blue) = image.rgb(x: image.width / 2, y: image.height / 2)
        let vector = unit([Float(red), Float(green), Float(blue), 10])
        let caption = "a photo of a \(color) square"
        var regions: [DescribedRegion] = []
        var text = caption
        if mode == .full {
            regions = [
                DescribedRegion(box: PixelBox(x: 0, y: 0, width: image.width / 2, height: image.height / 2), area: 4,
                                stability: 0.9, caption: "a knife on a cutting board", score: 0.6, status: .kept,
                                embedding: unit([1, 0, 0, 0])),
                DescribedRegion(box: PixelBox(x: 1, y: 1, width: 2, height: 2), area: 2, stability: 0.5,
                                caption: "a bird sitting on a bed", score: 0.1, status: .lostToCaption),
            ]
            text += ". a knife on a cutting board"
        }
        let keywords = mode == .full ? [color, "square", "photo", "knife", "cutting", "board"] : [color, "square", "photo"]
        let compounds = mode == .full ? ["\(color)-square", "cutting-board"] : ["\(color)-square"]
        return Description(mode: mode, imageSize: PixelSize(width: image.width, height: image.height), caption: caption,
                           regions: regions, text: text, keywords: keywords, compounds: compounds,
                           embeddings: DescriptionEmbeddings(image: vector, text: unit([1, Float(text.count), 0])),
                           models: [ModelStamp(role: .captioner, identifier: "fake/captioner", revision: "1")])
    }
}

enum FakeError: Error, LocalizedError {
    case refused(String)
    var errorDescription: String? {
        if case let .refused(color) = self { return "the fake describer refuses \(color) pictures" }
        return nil
    }
}

func unit(_ vector: [Float]) -> [Float] {
    let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
    return vector.map { $0 / max(norm, 1e-9) }
}

/// Sentence vectors from the text's length and vowel count.
struct FakeSentences: SentenceEncoding {
    func embed(sentences: [String]) throws -> [[Float]] {
        sentences.map { unit([Float($0.count), Float($0.filter { "aeiou".contains($0) }.count), 1]) }
    }
}

/// Image vectors from the centre pixel.
struct FakeImageText: ImageTextEmbedding {
    func embed(images: [RGBImage]) throws -> [[Float]] {
        images.map { image in
            let (red, green, blue) = image.rgb(x: image.width / 2, y: image.height / 2)
            return unit([Float(red), Float(green), Float(blue), 10])
        }
    }
    func embed(texts: [String]) throws -> [[Float]] { texts.map { _ in unit([1, 1, 1, 1]) } }
    var logitScale: Float { 100 }
}

/// Words of the text longer than two letters; adjacent pairs joined as compounds.
struct FakeKeywords: KeywordExtracting {
    func keywords(in text: String) -> Keywords {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count > 2 }
        var unique: [String] = []
        for word in words where !unique.contains(word) { unique.append(word) }
        let compounds = zip(words, words.dropFirst()).map { "\($0)-\($1)" }
        return Keywords(words: unique, compounds: Array(compounds.prefix(3)))
    }
}

/// A temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "glimpse-index-tests-\(UUID().uuidString)", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func file(_ name: String) -> URL { url.appending(path: name) }
    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to a file, creating its folders.
    func write(_ name: String, _ text: String) throws {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
    }

    /// Writes a solid-colour PNG; returns its path.
    @discardableResult
    func writePNG(_ name: String, red: UInt8, green: UInt8, blue: UInt8, width: Int = 8, height: Int = 6) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let image = try RGBImage(width: width, height: height, red: red, green: green, blue: blue)
        try PNGEncoder.encode(image).write(to: target)
        return target.path
    }
}

/// A file of `Tests/GlimpseImageTests/Fixtures` (another test target's resources), by its path there.
func imageFixture(_ path: String) throws -> Data {
    var folder = URL(filePath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) {
        folder = folder.deletingLastPathComponent()
    }
    return try Data(contentsOf: folder.appending(path: "Tests/GlimpseImageTests/Fixtures/\(path)"))
}

/// Writes at `url` an index of an earlier schema (migrated up to `version`) holding one image row at
/// `path` with `status`, as an older Glimpse left it.
func makeEarlierIndex(at url: URL, upTo version: String, imageAt path: String, status: ImageStatus) throws {
    let queue = try DatabaseQueue(path: url.path)
    try IndexDatabase.migrator.migrate(queue, upTo: version)
    try queue.write { db in
        try db.execute(sql: """
            INSERT INTO image (path, contentHash, status, createdAt, updatedAt)
            VALUES (?, 'h', ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00')
            """, arguments: [path, status.rawValue])
    }
}

/// A description without a pipeline, for store tests.
func sampleDescription(caption: String, regions: [String] = [], keywords: [String] = [], compounds: [String] = [],
                       image: [Float] = [], text: [Float] = [], regionVector: [Float] = []) -> Description {
    let described = regions.enumerated().map { index, caption in
        DescribedRegion(box: PixelBox(x: index, y: index, width: 10, height: 10), area: 100, stability: 0.9, caption: caption,
                        score: 0.5, status: .kept, embedding: regionVector)
    }
    let fullText = ([caption] + regions).joined(separator: ". ")
    return Description(mode: .full, imageSize: PixelSize(width: 64, height: 48), caption: caption, regions: described,
                       text: fullText, keywords: keywords, compounds: compounds,
                       embeddings: DescriptionEmbeddings(image: image, text: text))
}
