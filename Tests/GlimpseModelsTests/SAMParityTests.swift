import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// Loads a tiny SAM fixture and its reference tensors.
struct SAMFixture {
    let model: SAMModel
    let reference: SafeTensorsFile

    init(_ name: String = "tiny-sam", referenceFile: String = "reference.safetensors", memory: SAMMemoryUse = .fastest) throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        model = try SAMModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1), memory: memory)
        reference = try SafeTensorsFile(url: folder.appending(path: referenceFile))
    }

    func floats(_ name: String) throws -> Tensor {
        try Tensor(shape: reference.info(name).shape, floats: reference.floats(name))
    }

    func int64s(_ name: String) throws -> Tensor {
        try Tensor(shape: reference.info(name).shape, int64s: reference.int64s(name))
    }
}

@Suite("SAM parity")
struct SAMParityTests {
    @Test("image embeddings within 1e-4 of transformers (2×2 windows, global attention in 4 or, for low memory, 8 parts)",
          arguments: [SAMMemoryUse.fastest, .low])
    func imageEmbeddings(memory: SAMMemoryUse) throws {
        let fixture = try SAMFixture(memory: memory)
        let embeddings = try fixture.model.imageEmbedding(pixelValues: fixture.floats("pixel_values"))
        #expect(embeddings.shape == [2, 16, 8, 8])
        #expect(maxAbsoluteDifference(try embeddings.floats(), try fixture.reference.floats("image_embeddings")) < 1e-4)
    }

    @Test("image embeddings within 1e-4 with windows that need padding, without and with a qkv bias",
          arguments: ["tiny-sam-padded", "tiny-sam-padded-bias"])
    func paddedWindows(fixtureName: String) throws {
        let fixture = try SAMFixture(fixtureName)
        #expect(fixture.model.configuration.visionConfig.windowSize == 3)
        let embeddings = try fixture.model.imageEmbedding(pixelValues: fixture.floats("pixel_values"))
        #expect(embeddings.shape == [1, 16, 8, 8])
        #expect(maxAbsoluteDifference(try embeddings.floats(), try fixture.reference.floats("image_embeddings")) < 1e-4)
    }

    @Test("sparse prompt embeddings of single points (with the padding point) within 1e-4")
    func sparseEmbeddings() throws {
        let fixture = try SAMFixture()
        let (points, labels) = try SAMPrompt.decoderInputs(
            points: fixture.floats("input_points"), labels: fixture.int64s("input_labels"), boxes: nil)
        let sparse = try fixture.model.sparseEmbeddings(imageEmbeddings: fixture.floats("image_embeddings"), inputPoints: points, inputLabels: labels)
        #expect(sparse.shape == [2, 3, 2, 16])
        #expect(maxAbsoluteDifference(try sparse.floats(), try fixture.reference.floats("sparse_prompt_embeddings")) < 1e-4)
    }

    @Test("point prompts: multimask masks and IoU scores within 1e-4")
    func pointMasks() throws {
        let fixture = try SAMFixture()
        let (points, labels) = try SAMPrompt.decoderInputs(
            points: fixture.floats("input_points"), labels: fixture.int64s("input_labels"), boxes: nil)
        let (masks, scores) = try fixture.model.decode(imageEmbeddings: fixture.floats("image_embeddings"),
                                                       inputPoints: points, inputLabels: labels, multimask: true)
        #expect(masks.shape == [2, 3, 3, 32, 32])
        #expect(scores.shape == [2, 3, 3])
        #expect(maxAbsoluteDifference(try masks.floats(), try fixture.reference.floats("pred_masks")) < 1e-4)
        #expect(maxAbsoluteDifference(try scores.floats(), try fixture.reference.floats("iou_scores")) < 1e-4)
    }
}
