import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

@Suite("SAM model API")
struct SAMModelTests {
    /// The second image of the fixture, as the `[1, …]` embedding the API takes, and its reference rows.
    private func secondImage(_ fixture: SAMFixture) throws -> Tensor {
        let all = try fixture.reference.floats("image_embeddings")
        let perImage = all.count / 2
        return try Tensor(shape: [1, 16, 8, 8], floats: Array(all[perImage...]))
    }

    @Test("point prompts through the API equal the reference for the second image")
    func pointPrompts() throws {
        let fixture = try SAMFixture()
        let coordinates = try fixture.reference.floats("input_points")
        let points = (3..<6).map { [SAMPoint(x: coordinates[2 * $0], y: coordinates[2 * $0 + 1])] }
        let result = try fixture.model.masks(for: try secondImage(fixture), points: points)
        #expect(result.logits.shape == [3, 3, 32, 32])
        #expect(result.masksPerPrompt == 3 && result.side == 32)
        let reference = try fixture.reference.floats("pred_masks")
        #expect(maxAbsoluteDifference(try result.logits.floats(), Array(reference[(reference.count / 2)...])) < 1e-4)
        let scores = try fixture.reference.floats("iou_scores")
        #expect(maxAbsoluteDifference(try result.iouScores.floats(), Array(scores[9...])) < 1e-4)
    }

    @Test("box prompts through the API equal the reference for the first image")
    func boxPrompts() throws {
        let fixture = try SAMFixture()
        let prompts = try SAMFixture(referenceFile: "reference_prompts.safetensors")
        let all = try fixture.reference.floats("image_embeddings")
        let first = try Tensor(shape: [1, 16, 8, 8], floats: Array(all[..<(all.count / 2)]))
        let b = try prompts.reference.floats("input_boxes")
        let boxes = (0..<2).map { SAMBox(x0: b[4 * $0], y0: b[4 * $0 + 1], x1: b[4 * $0 + 2], y1: b[4 * $0 + 3]) }
        let result = try fixture.model.masks(for: first, boxes: boxes, multimask: true)
        #expect(result.logits.shape == [2, 3, 32, 32])
        let reference = try prompts.reference.floats("box_pred_masks")
        #expect(maxAbsoluteDifference(try result.logits.floats(), Array(reference[..<(reference.count / 2)])) < 1e-4)
    }

    @Test("the image embedding is reused: one embedding, two requests, same masks")
    func embeddingReuse() throws {
        let fixture = try SAMFixture()
        let pixels = try fixture.reference.floats("pixel_values")
        let embedding = try fixture.model.imageEmbedding(pixelValues: Tensor(shape: [1, 3, 64, 64], floats: Array(pixels[..<(pixels.count / 2)])))
        let prompt = [SAMPoint(x: 20, y: 30), SAMPoint(x: 40, y: 10, isForeground: false)]
        let once = try fixture.model.masks(for: embedding, points: [prompt], multimask: false)
        let batch = try fixture.model.masks(for: embedding, points: [prompt, [SAMPoint(x: 5, y: 5)]], multimask: false)
        #expect(once.logits.shape == [1, 1, 32, 32])
        #expect(batch.logits.shape == [2, 1, 32, 32])
        let first = Array(try batch.logits.floats()[..<(32 * 32)])
        // The shorter prompt is padded with an empty slot, which the first prompt does not see.
        #expect(maxAbsoluteDifference(try once.logits.floats(), first) < 1e-5)
    }

    @Test("prompts are packed as transformers does: empty slots, padding point, box corners")
    func packing() throws {
        let (points, labels) = try SAMPrompt.tensors(for: [
            SAMPrompt(points: [SAMPoint(x: 1, y: 2), SAMPoint(x: 3, y: 4, isForeground: false)]),
            SAMPrompt(points: [SAMPoint(x: 5, y: 6)]),
        ])
        #expect(points.shape == [1, 2, 3, 2])
        #expect(try labels.int64s() == [1, 0, -1, 1, -10, -1])
        #expect(try points.floats() == [1, 2, 3, 4, 0, 0, 5, 6, 0, 0, 0, 0])
        let (_, boxed) = try SAMPrompt.tensors(for: [SAMPrompt(points: [SAMPoint(x: 1, y: 1)], box: SAMBox(x0: 0, y0: 0, x1: 9, y1: 9))])
        #expect(try boxed.int64s() == [1, 2, 3])
    }

    @Test("requests the graph cannot express are refused with a reason")
    func refusals() throws {
        #expect(throws: SAMError.noPrompts) { try SAMPrompt.tensors(for: []) }
        #expect(throws: SAMError.emptyPrompt) { try SAMPrompt.tensors(for: [SAMPrompt()]) }
        #expect(throws: SAMError.mixedBoxPrompts(withBox: 1, total: 2)) {
            try SAMPrompt.tensors(for: [SAMPrompt(box: SAMBox(x0: 0, y0: 0, x1: 1, y1: 1)), SAMPrompt(points: [SAMPoint(x: 1, y: 1)])])
        }
        let fixture = try SAMFixture()
        let two = try fixture.floats("image_embeddings")
        #expect(throws: SAMError.badTensor("image_embeddings", [2, 16, 8, 8])) {
            try fixture.model.masks(for: two, points: [[SAMPoint(x: 1, y: 1)]])
        }
    }
}
