import Foundation
import Testing
import GlimpseImage
import GlimpseRuntime
@testable import GlimpseModels

/// Lists of images and texts are embedded in runs (`CLIPModel.Batching`); the runs must not change a
/// row's vector or its place.
@Suite("CLIP batching")
struct CLIPBatchingTests {
    private static let fixture = Bundle.module.url(forResource: "Fixtures/tiny-clip", withExtension: nil)!

    /// tiny-clip with a letter vocabulary for its 99 text tokens (97 and 98 are start and end of text).
    private static func folderWithTokenizer() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-clip-batching-\(UUID())", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors", "preprocessor_config.json"] {
            try FileManager.default.copyItem(at: fixture.appending(path: file), to: folder.appending(path: file))
        }
        var vocabulary: [String: Int] = ["at</w>": 52, "<|startoftext|>": 97, "<|endoftext|>": 98]
        for (index, letter) in "abcdefghijklmnopqrstuvwxyz".enumerated() {
            vocabulary[String(letter)] = index
            vocabulary["\(letter)</w>"] = 26 + index
        }
        try JSONEncoder().encode(vocabulary).write(to: folder.appending(path: "vocab.json"))
        try Data("#version: 0.2\na t</w>\n".utf8).write(to: folder.appending(path: "merges.txt"))
        return folder
    }

    private static func model(_ folder: URL = fixture, batching: CLIPModel.Batching = .init(),
                              towers: CLIPModel.Towers = .both) throws -> CLIPModel {
        try CLIPModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1), towers: towers, batching: batching)
    }

    /// Pictures of different sizes and contents.
    private static func pictures(_ count: Int) throws -> [RGBImage] {
        try (0..<count).map { index in
            let width = 20 + 7 * index, height = 31 - index
            let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 * (index + 3) + index * 41) }
            return try RGBImage(width: width, height: height, pixels: pixels)
        }
    }

    private static func rows(_ tensor: Tensor) throws -> [[Float]] {
        let values = try tensor.floats(), width = tensor.shape[1]
        return (0..<tensor.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }

    @Test("eleven images in runs of 4 give each image's own embedding, in order")
    func imagesInRuns() throws {
        let images = try Self.pictures(11)
        let runs = try Self.model(batching: .init(images: 4))
        let embedded = try runs.embed(images: images)
        #expect(embedded.shape == [11, runs.configuration.projectionDim])
        let alone = try images.map { try Self.rows(runs.embed(images: [$0]))[0] }
        for (row, expected) in zip(try Self.rows(embedded), alone) {
            #expect(maxAbsoluteDifference(row, expected) < 1e-5)
        }
        let oneRun = try Self.rows(Self.model(batching: .init(images: 64)).embed(images: images))
        #expect(maxAbsoluteDifference(oneRun.flatMap { $0 }, alone.flatMap { $0 }) < 1e-5)
        // The rows differ from each other, so a misplaced row would show.
        #expect(maxAbsoluteDifference(alone[0], alone[1]) > 1e-3)
    }

    @Test("files are decoded run by run; a file that is not an image is an error")
    func filesInRuns() throws {
        let model = try Self.model(batching: .init(images: 2))
        let image = Self.fixture.appending(path: "reference_image.png")
        let embedded = try Self.rows(model.embed(contentsOf: [image, image, image]))
        let single = try Self.rows(model.embed(contentsOf: [image]))[0]
        #expect(embedded.count == 3)
        for row in embedded { #expect(maxAbsoluteDifference(row, single) < 1e-5) }
        #expect(throws: (any Error).self) {
            try model.embed(contentsOf: [image, image, Self.fixture.appending(path: "config.json")])
        }
    }

    @Test("texts of different lengths in runs of 3, grouped by length, keep their order and their vectors")
    func textsInRuns() throws {
        let folder = try Self.folderWithTokenizer()
        defer { try? FileManager.default.removeItem(at: folder) }
        let texts = ["a", "cat on a mat", "dog", "a very long line of text", "b c", "", "sun", "two cats", "xyz"]
        let runs = try Self.model(folder, batching: .init(texts: 3))
        let embedded = try runs.embed(texts: texts)
        #expect(embedded.shape == [texts.count, runs.configuration.projectionDim])
        let alone = try texts.map { try Self.rows(runs.embed(texts: [$0]))[0] }
        for (row, expected) in zip(try Self.rows(embedded), alone) {
            #expect(maxAbsoluteDifference(row, expected) < 1e-5)
        }
        #expect(maxAbsoluteDifference(alone[1], alone[3]) > 1e-3)
    }

    @Test("empty lists give no rows; a text-only model still refuses images")
    func emptyLists() throws {
        let folder = try Self.folderWithTokenizer()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.model(folder)
        #expect(try model.embed(images: []).shape == [0, model.configuration.projectionDim])
        #expect(try model.embed(texts: []).shape == [0, model.configuration.projectionDim])
        let textOnly = try Self.model(folder, towers: .text)
        #expect(throws: CLIPModel.Error.visionTowerNotLoaded) { try textOnly.embed(images: []) }
    }
}
