import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseText

/// A record of calls, shared by a fake and its test.
final class CallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func add(_ entry: String) {
        lock.lock()
        entries.append(entry)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }

    func count(prefix: String) -> Int { all.filter { $0.hasPrefix(prefix) }.count }
}

/// A synthetic picture: a grey background with rectangles painted in colours that name them, so a fake
/// model can tell which region a crop shows (by the colour at its centre) or that it got the whole picture
/// (by its size).
struct Scene: Sendable {
    var size: PixelSize
    var boxes: [PixelBox]

    init(width: Int = 320, height: Int = 240, boxes: [PixelBox]) {
        size = PixelSize(width: width, height: height)
        self.boxes = boxes
    }

    var image: RGBImage {
        var pixels = [UInt8](repeating: 128, count: size.width * size.height * 3)
        for (id, box) in boxes.enumerated() {
            for y in max(0, box.y)..<min(size.height, box.y + box.height) {
                for x in max(0, box.x)..<min(size.width, box.x + box.width) {
                    let i = (y * size.width + x) * 3
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = (UInt8(id * 10 + 5), 0, 255)
                }
            }
        }
        return try! RGBImage(width: size.width, height: size.height, pixels: pixels)
    }

    /// What `image` shows: nil for the whole scene, else the index of the box at the image's centre.
    func identify(_ image: RGBImage) -> Int? {
        if image.width == size.width && image.height == size.height { return nil }
        let pixel = image.rgb(x: image.width / 2, y: image.height / 2)
        precondition(pixel.blue == 255, "the crop's centre is background")
        return (Int(pixel.red) - 5) / 10
    }

    /// Proposals for every box: area = box area unless given, stability 0.97, predicted IoU 0.9.
    func proposals(areas: [Int?] = [], stabilities: [Float] = []) -> [ProposedRegion] {
        boxes.enumerated().map { index, box in
            ProposedRegion(box: box, area: (index < areas.count ? areas[index] : nil) ?? box.area,
                           stability: index < stabilities.count ? stabilities[index] : 0.97, predictedIoU: 0.9)
        }
    }
}

/// A captioner that answers from a table: `whole` for the whole scene, `regions[id]` for a crop of box `id`.
struct FakeCaptioner: ImageCaptioning {
    var scene: Scene
    var whole: String
    var regions: [Int: String]
    /// What `captionSettings(beams:)` reports with the beams appended; nil: the captioner cannot say.
    var settings: String? = "fake"
    let log = CallLog()

    func captionSettings(beams: Int) -> String? { settings.map { "\($0) beams=\(beams)" } }

    func captions(for images: [RGBImage], beams: Int) throws -> [String] {
        log.add("captions images=\(images.count) beams=\(beams)")
        return images.map { image in
            guard let id = scene.identify(image) else { return whole }
            return regions[id] ?? "region \(id)"
        }
    }
}

/// A segmenter that proposes fixed regions.
struct FakeSegmenter: RegionProposing {
    var proposals: [ProposedRegion]
    let log = CallLog()

    func regions(of image: RGBImage) throws -> [ProposedRegion] {
        log.add("regions")
        return proposals
    }
}

/// A CLIP stand-in with chosen geometry: the whole image is `e0`; a crop of box `id` is `crops[id]`
/// (default: its own axis, cosine 0 with everything); a text's cosine with the image is `textScores[text]`
/// (the part after the main caption's separator is looked up too), default `defaultScore`.
struct FakeEmbedder: ImageTextEmbedding {
    static let width = 32
    var scene: Scene
    var crops: [Int: [Float]] = [:]
    var textScores: [String: Float] = [:]
    var defaultScore: Float = 0.2
    var logitScale: Float = 100
    let log = CallLog()

    static func axis(_ k: Int) -> [Float] {
        var v = [Float](repeating: 0, count: width)
        v[k] = 1
        return v
    }

    /// A unit vector whose cosine with the image (axis 0) is `cosine`, off in direction `k`.
    static func vector(cosine: Float, towards k: Int = 1) -> [Float] {
        var v = axis(0).map { $0 * cosine }
        v[k] = (1 - cosine * cosine).squareRoot()
        return v
    }

    func embed(images: [RGBImage]) throws -> [[Float]] {
        log.add("images \(images.count)")
        return images.map { image in
            guard let id = scene.identify(image) else { return Self.axis(0) }
            return crops[id] ?? Self.axis(2 + id)
        }
    }

    func embed(texts: [String]) throws -> [[Float]] {
        log.add("texts \(texts.count)")
        return texts.map { text in
            if let score = textScores[text] { return Self.vector(cosine: score) }
            for (key, score) in textScores.sorted(by: { $0.key.count > $1.key.count }) where text.hasSuffix(". " + key) || text.hasSuffix(" " + key) {
                return Self.vector(cosine: score)
            }
            return Self.vector(cosine: defaultScore)
        }
    }
}

/// A sentence encoder: bag of words hashed into 64 dimensions (identical texts have cosine 1).
struct FakeSentences: SentenceEncoding {
    let log = CallLog()

    func embed(sentences: [String]) throws -> [[Float]] {
        log.add("sentences \(sentences.count)")
        return sentences.map { sentence in
            var v = [Float](repeating: 0, count: 64)
            v[63] = 0.01
            for word in sentence.lowercased().split(whereSeparator: { !$0.isLetter }) where !Self.stop.contains(String(word)) {
                v[abs(Self.hash(String(word))) % 63] += 1
            }
            return v
        }
    }

    static let stop: Set<String> = ["a", "an", "the", "of", "on", "in", "with", "and", "is", "there"]

    /// A hash that is the same in every run (String's hashValue is seeded per process).
    static func hash(_ word: String) -> Int {
        word.unicodeScalars.reduce(5381) { ($0 &* 33) &+ Int($1.value) }
    }
}

/// Keywords: lower-cased words without stop words; compounds are the adjacent pairs listed in `pairs`.
struct FakeKeywords: KeywordExtracting {
    var pairs: Set<String> = ["cutting board", "blue collar", "cartoon dog", "brown nose"]

    func keywords(in text: String) -> Keywords {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        var found = Keywords()
        for word in words where !FakeSentences.stop.contains(word) && !found.words.contains(word) { found.words.append(word) }
        for (a, b) in zip(words, words.dropFirst()) where pairs.contains("\(a) \(b)") && !found.compounds.contains("\(a)-\(b)") {
            found.compounds.append("\(a)-\(b)")
        }
        return found
    }
}

/// A pipeline over fakes for `scene`, with the models' logs at hand.
struct FakeWorld {
    var scene: Scene
    var captioner: FakeCaptioner
    var segmenter: FakeSegmenter
    var embedder: FakeEmbedder
    var sentences = FakeSentences()
    var keywords = FakeKeywords()

    init(scene: Scene, caption: String = "a cat and a dog on a bed", regionCaptions: [Int: String] = [:],
         proposals: [ProposedRegion]? = nil) {
        self.scene = scene
        captioner = FakeCaptioner(scene: scene, whole: caption, regions: regionCaptions)
        segmenter = FakeSegmenter(proposals: proposals ?? scene.proposals())
        embedder = FakeEmbedder(scene: scene)
    }

    func pipeline(_ options: DescribeOptions = DescribeOptions()) -> DescribePipeline {
        DescribePipeline(captioner: captioner, segmenter: segmenter, embedder: embedder, sentences: sentences,
                         keywords: keywords, options: options,
                         models: [ModelStamp(role: .captioner, identifier: "fake-blip"), ModelStamp(role: .segmenter, identifier: "fake-sam"),
                                  ModelStamp(role: .imageTextEmbedder, identifier: "fake-clip"),
                                  ModelStamp(role: .sentenceEmbedder, identifier: "fake-minilm")])
    }

    func describe(_ options: DescribeOptions = DescribeOptions(), mode: DescribeMode = .full) throws -> Description {
        try pipeline(options).describe(scene.image, mode: mode)
    }
}
