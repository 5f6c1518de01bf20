import Foundation
import GlimpseRuntime
import Testing
@testable import GlimpseImage

/// Swift preprocessing against transformers' CLIPImageProcessor, BlipImageProcessor and
/// SamImageProcessor (4.46.3) on the committed fixture images.
@Suite("Preprocessors match transformers")
struct PreprocessorParityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let kind: String
        let name: String
        var testDescription: String { "\(kind) \(name)" }
        var preprocessing: ImagePreprocessing {
            switch kind {
            case "clip": .clip
            case "blip": .blip
            default: .sam
            }
        }
    }

    static let cases: [Case] = Fixtures.manifest.keys
        .filter { $0.hasPrefix("processed/") }
        .sorted()
        .map { key in
            let parts = key.split(separator: "/")
            return Case(kind: String(parts[1]), name: String(parts[2].dropLast(4)))
        }

    /// transformers' float output, rebuilt from the verified 8-bit picture with NumPy's arithmetic.
    static func reference(_ testCase: Case) throws -> (values: [Float], entry: Fixtures.Entry) {
        let path = "processed/\(testCase.kind)/\(testCase.name).png"
        let picture = try Fixtures.reference(path)
        let entry = try #require(Fixtures.manifest[path])
        let shape = try #require(entry.shape)
        let (height, width) = (shape[1], shape[2])
        let p = testCase.preprocessing
        var values = [Float](repeating: 0, count: 3 * height * width)
        for channel in 0..<3 {
            for y in 0..<picture.height {
                for x in 0..<picture.width {
                    let byte = picture.pixels[(y * picture.width + x) * 3 + channel]
                    let scaled = Float(Double(byte) * (1.0 / 255.0))
                    values[channel * height * width + y * width + x] = (scaled - p.mean![channel]) / p.std![channel]
                }
            }
        }
        return (values, entry)
    }

    @Test("pixel_values within 1e-2 everywhere and mean difference below 1e-3", arguments: cases)
    func parity(_ testCase: Case) throws {
        let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/\(testCase.name)"))
        let output = try ImagePreprocessor(testCase.preprocessing)(image)
        let (expected, entry) = try Self.reference(testCase)
        #expect(output.pixelValues.shape == [1] + (entry.shape ?? []))
        let actual = try output.pixelValues.floats()
        guard actual.count == expected.count else { return }
        let difference = differences(actual, expected)
        #expect(difference.max <= 1e-2, "max abs \(difference.max)")
        #expect(difference.mean < 1e-3, "mean abs \(difference.mean)")
        // Measured: bit-identical to transformers for every fixture.
        #expect(difference.max == 0, "max abs \(difference.max), mean \(difference.mean)")

        // The stored transformers floats themselves, at fixed indices.
        let indices = try Fixtures.samples.int64s("\(testCase.kind)/\(testCase.name)/indices")
        let values = try Fixtures.samples.floats("\(testCase.kind)/\(testCase.name)/values")
        #expect(indices.map { actual[Int($0)] } == values)

        if testCase.kind == "sam" {
            let original = try #require(entry.original), resized = try #require(entry.resized)
            #expect(output.originalSizes == [PixelSize(width: original[1], height: original[0])])
            #expect(output.resizedSizes == [PixelSize(width: resized[1], height: resized[0])])
        }
    }

    @Test("a batch is the concatenation of single images")
    func batch() throws {
        let a = try ImageDecoder.decode(contentsOf: Fixtures.url("images/photo_400x267.jpg"))
        let b = try ImageDecoder.decode(contentsOf: Fixtures.url("images/portrait_300x451.png"))
        let processor = ImagePreprocessor(.clip)
        let batch = try processor([a, b])
        #expect(batch.pixelValues.shape == [2, 3, 224, 224])
        let joined = try processor(a).pixelValues.floats() + processor(b).pixelValues.floats()
        #expect(try batch.pixelValues.floats() == joined)
        #expect(batch.resizedSizes == [PixelSize(width: 335, height: 224), PixelSize(width: 224, height: 336)])
    }

    @Test("SAM boxes map back to the original image")
    func boxMapping() throws {
        let image = try RGBImage(width: 400, height: 267, red: 0, green: 0, blue: 0)
        let output = try ImagePreprocessor(.sam)(image)
        #expect(output.pixelValues.shape == [1, 3, 1024, 1024])
        let box = output.originalBox((x0: 0, y0: 0, x1: 1024, y1: 684), image: 0)
        #expect(box.x1 == 400 && box.y1 == 267)
        let crop = try image.cropped(to: PixelRect(covering: box.x0, box.y0, box.x1 / 2, box.y1 / 2), margin: 0.1)
        #expect(crop.width == 220 && crop.height == 147)
    }

    @Test("sizes follow transformers' rounding")
    func sizes() {
        #expect(ImagePreprocessing.clip.resizedSize(for: PixelSize(width: 640, height: 480)) == PixelSize(width: 298, height: 224))
        #expect(ImagePreprocessing.clip.resizedSize(for: PixelSize(width: 17, height: 9)) == PixelSize(width: 423, height: 224))
        #expect(ImagePreprocessing.sam.resizedSize(for: PixelSize(width: 400, height: 267)) == PixelSize(width: 1024, height: 684))
        #expect(ImagePreprocessing.sam.resizedSize(for: PixelSize(width: 1, height: 40000)) == PixelSize(width: 1, height: 1024))
        #expect(ImagePreprocessing.blip.outputSize(for: PixelSize(width: 5, height: 7)) == PixelSize(width: 384, height: 384))
    }

    @Test("descriptions from transformers' size dictionaries, and validation")
    func descriptions() throws {
        typealias Resize = ImagePreprocessing.Resize
        #expect(Resize(huggingFaceSize: ["shortest_edge": 224]) == .shortestEdge(224))
        #expect(Resize(huggingFaceSize: ["longest_edge": 1024]) == .longestEdge(1024))
        #expect(Resize(huggingFaceSize: ["height": 384, "width": 300]) == .exact(PixelSize(width: 300, height: 384)))
        #expect(Resize(huggingFaceSize: ["height": 384]) == nil)
        try ImagePreprocessing.clip.validate()
        var broken = ImagePreprocessing.clip
        broken.std = [0.5, 0, 0.5]
        #expect(throws: ImageError.self) { try broken.validate() }
        let image = try RGBImage(width: 4, height: 4, red: 1, green: 2, blue: 3)
        #expect(throws: ImageError.self) { try ImagePreprocessor(broken)(image) }
        var uncropped = ImagePreprocessing.clip
        uncropped.centerCrop = nil
        let tall = try RGBImage(width: 4, height: 8, red: 1, green: 2, blue: 3)
        #expect(throws: ImageError.self) { try ImagePreprocessor(uncropped)([image, tall]) }
        #expect(ImagePreprocessing.clip.minimumDecodeSize() == PixelSize(width: 448, height: 448))
    }

    @Test("a crop larger than the resized image pads with zero pixels, as transformers does")
    func cropPadding() throws {
        var preprocessing = ImagePreprocessing.clip
        preprocessing.resize = .exact(PixelSize(width: 3, height: 2))
        preprocessing.centerCrop = PixelSize(width: 6, height: 5)
        preprocessing.mean = nil
        preprocessing.std = nil
        preprocessing.rescaleFactor = nil
        let image = try RGBImage(width: 3, height: 2, red: 9, green: 9, blue: 9)
        let values = try ImagePreprocessor(preprocessing)(image).pixelValues.floats()
        // top = (2 − 5) // 2 = −2 and left = (3 − 6) // 2 = −2: the image sits at rows 2–3, columns 2–4.
        let plane = Array(values[0..<30])
        let expected: [Float] = (0..<30).map { index in
            let (row, column) = (index / 6, index % 6)
            return (2...3).contains(row) && (2...4).contains(column) ? 9 : 0
        }
        #expect(plane == expected)
    }
}
