import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// Loads the tiny BLIP fixture once per test.
enum BLIPFixture {
    static let folder = Bundle.module.url(forResource: "Fixtures/tiny-blip", withExtension: nil)!

    static func model() throws -> BLIPModel {
        try BLIPModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
    }

    static func reference() throws -> SafeTensorsFile {
        try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
    }

    static func floats(_ reference: SafeTensorsFile, _ name: String) throws -> Tensor {
        try Tensor(shape: reference.info(name).shape, floats: reference.floats(name))
    }

    static func int64s(_ reference: SafeTensorsFile, _ name: String) throws -> Tensor {
        try Tensor(shape: reference.info(name).shape, int64s: reference.int64s(name))
    }
}

@Suite("BLIP parity")
struct BLIPParityTests {
    @Test("image embeddings within 1e-4 of transformers")
    func imageEmbeddings() throws {
        let model = try BLIPFixture.model(), reference = try BLIPFixture.reference()
        let embeds = try model.imageEmbeddings(pixelValues: BLIPFixture.floats(reference, "pixel_values"))
        #expect(embeds.shape == [2, 17, 32])
        let difference = maxAbsoluteDifference(try embeds.floats(), try reference.floats("image_embeds"))
        #expect(difference < 1e-4, "max |Δ| = \(difference)")
    }

    @Test("the image keys hold each image's embeddings transposed, also across tile edges, and select both alike")
    func transposedImageKeys() throws {
        let (images, rows, columns) = (3, 37, 70)  // more than one 32 × 32 tile each way, with ragged edges
        let values = (0..<(images * rows * columns)).map { Float($0) }
        let keys = try BLIPImageKeys(embeddings: Tensor(shape: [images, rows, columns], floats: values))
        #expect(keys.transposed.shape == [images, columns, rows])
        let transposed = try keys.transposed.floats()
        for image in 0..<images {
            for row in 0..<rows {
                for column in 0..<columns {
                    let at = (image * columns + column) * rows + row
                    guard transposed[at] == values[(image * rows + row) * columns + column] else {
                        Issue.record("image \(image) row \(row) column \(column): \(transposed[at])")
                        return
                    }
                }
            }
        }
        let picked = try keys.selecting([2, 0])
        #expect(try picked.embeddings.floats() == Array(values[(2 * rows * columns)...]) + Array(values[..<(rows * columns)]))
        #expect(try picked.transposed.floats() == Array(transposed[(2 * rows * columns)...]) + Array(transposed[..<(rows * columns)]))
        #expect(throws: RuntimeError.self) { try BLIPImageKeys(embeddings: Tensor(shape: [2, 3], floats: Array(repeating: 0, count: 6))) }
    }

    @Test("teacher-forced logits (row 1 padded) within 1e-4 of transformers in one prefill pass")
    func prefillLogits() throws {
        let model = try BLIPFixture.model(), reference = try BLIPFixture.reference()
        let images = try model.imageKeys(imageEmbeddings: BLIPFixture.floats(reference, "image_embeds"))
        let (logits, cache) = try model.decode(inputIDs: BLIPFixture.int64s(reference, "input_ids"),
                                               attentionMask: BLIPFixture.int64s(reference, "attention_mask"),
                                               cache: nil, images: images)
        #expect(logits.shape == [2, 6, 120])
        #expect(cache.length == 6)
        let difference = maxAbsoluteDifference(try logits.floats(), try reference.floats("logits"))
        #expect(difference < 1e-4, "max |Δ| = \(difference)")
    }

    @Test("step-by-step decoding with the key/value cache gives every position's logits within 1e-4")
    func stepLogits() throws {
        let model = try BLIPFixture.model(), reference = try BLIPFixture.reference()
        let images = try model.imageKeys(imageEmbeddings: model.imageEmbeddings(pixelValues: BLIPFixture.floats(reference, "pixel_values")))
        let ids = try reference.int64s("input_ids"), mask = try reference.int64s("attention_mask")
        let expected = try reference.floats("logits")
        let (rows, tokens, vocab) = (2, 6, 120)
        func columns(_ values: [Int64], _ range: Range<Int>) throws -> Tensor {
            try Tensor(shape: [rows, range.count], int64s: (0..<rows).flatMap { row in range.map { values[row * tokens + $0] } })
        }
        // The first two tokens in one prefill pass, then one token per step.
        var (logits, cache) = try model.decode(inputIDs: columns(ids, 0..<2), attentionMask: columns(mask, 0..<2),
                                               cache: nil, images: images)
        var worst: Float = 0
        for position in 1..<tokens {
            if position >= 2 {
                (logits, cache) = try model.decode(inputIDs: columns(ids, position..<(position + 1)),
                                                   attentionMask: columns(mask, 0..<(position + 1)), cache: cache, images: images)
                #expect(cache.length == position + 1)
            }
            let values = try logits.floats(), width = logits.shape[1]
            for row in 0..<rows {
                let got = Array(values[((row * width + width - 1) * vocab)..<((row * width + width) * vocab)])
                let want = Array(expected[((row * tokens + position) * vocab)..<((row * tokens + position + 1) * vocab)])
                worst = max(worst, maxAbsoluteDifference(got, want))
            }
        }
        #expect(worst < 1e-4, "max |Δ| = \(worst)")
    }

    @Test("a wrong image changes the logits (the cross-attention is used)")
    func crossAttentionMatters() throws {
        let model = try BLIPFixture.model(), reference = try BLIPFixture.reference()
        let images = try model.imageKeys(imageEmbeddings: BLIPFixture.floats(reference, "image_embeds"))
        let swapped = try images.selecting([1, 0])
        let (logits, _) = try model.decode(inputIDs: BLIPFixture.int64s(reference, "input_ids"),
                                           attentionMask: BLIPFixture.int64s(reference, "attention_mask"),
                                           cache: nil, images: swapped)
        #expect(maxAbsoluteDifference(try logits.floats(), try reference.floats("logits")) > 1e-2)
    }
}
