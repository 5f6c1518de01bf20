import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

@Suite("SAM prompt parity")
struct SAMPromptParityTests {
    private func load() throws -> (SAMFixture, SAMFixture) {
        (try SAMFixture(), try SAMFixture(referenceFile: "reference_prompts.safetensors"))
    }

    @Test("box prompts: multimask masks and IoU scores within 1e-4")
    func boxes() throws {
        let (base, prompts) = try load()
        let (points, labels) = try SAMPrompt.decoderInputs(points: nil, labels: nil, boxes: prompts.floats("input_boxes"))
        #expect(try labels.int64s().prefix(2) == [2, 3])
        let (masks, scores) = try base.model.decode(imageEmbeddings: base.floats("image_embeddings"),
                                                    inputPoints: points, inputLabels: labels, multimask: true)
        #expect(masks.shape == [2, 2, 3, 32, 32])
        #expect(maxAbsoluteDifference(try masks.floats(), try prompts.reference.floats("box_pred_masks")) < 1e-4)
        #expect(maxAbsoluteDifference(try scores.floats(), try prompts.reference.floats("box_iou_scores")) < 1e-4)
    }

    @Test("points with a background point and a box together, single mask, within 1e-4")
    func pointsAndBoxes() throws {
        let (base, prompts) = try load()
        let (points, labels) = try SAMPrompt.decoderInputs(
            points: prompts.floats("mixed_input_points"), labels: prompts.int64s("mixed_input_labels"),
            boxes: prompts.floats("input_boxes"))
        #expect(points.shape == [2, 2, 4, 2])
        let (masks, scores) = try base.model.decode(imageEmbeddings: base.floats("image_embeddings"),
                                                    inputPoints: points, inputLabels: labels, multimask: false)
        #expect(masks.shape == [2, 2, 1, 32, 32])
        #expect(scores.shape == [2, 2, 1])
        #expect(maxAbsoluteDifference(try masks.floats(), try prompts.reference.floats("mixed_pred_masks")) < 1e-4)
        #expect(maxAbsoluteDifference(try scores.floats(), try prompts.reference.floats("mixed_iou_scores")) < 1e-4)
    }

    @Test("single-mask output for point prompts within 1e-4")
    func singleMask() throws {
        let (base, prompts) = try load()
        let (points, labels) = try SAMPrompt.decoderInputs(
            points: base.floats("input_points"), labels: base.int64s("input_labels"), boxes: nil)
        let (masks, scores) = try base.model.decode(imageEmbeddings: base.floats("image_embeddings"),
                                                    inputPoints: points, inputLabels: labels, multimask: false)
        #expect(masks.shape == [2, 2 + 1, 1, 32, 32])
        #expect(maxAbsoluteDifference(try masks.floats(), try prompts.reference.floats("single_pred_masks")) < 1e-4)
        #expect(maxAbsoluteDifference(try scores.floats(), try prompts.reference.floats("single_iou_scores")) < 1e-4)
    }
}
