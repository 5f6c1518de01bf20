import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

@Suite("CLIP parity")
struct CLIPParityTests {
    private let folder = Bundle.module.url(forResource: "Fixtures/tiny-clip", withExtension: nil)!

    private func load() throws -> (CLIPModel, SafeTensorsFile) {
        let model = try CLIPModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        return (model, try SafeTensorsFile(url: folder.appending(path: "reference.safetensors")))
    }

    @Test("image embeddings within 1e-4 of transformers")
    func imageEmbeddings() throws {
        let (model, reference) = try load()
        let pixels = try Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values"))
        let embeds = try model.embed(pixelValues: pixels)
        #expect(embeds.shape == [2, 20])
        #expect(maxAbsoluteDifference(try embeds.floats(), try reference.floats("image_embeds")) < 1e-4)
    }

    @Test("text embeddings within 1e-4 of transformers, pooled at the first end-of-text token")
    func textEmbeddings() throws {
        let (model, reference) = try load()
        let ids = try Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids"))
        let embeds = try model.embed(inputIDs: ids)
        #expect(embeds.shape == [2, 20])
        #expect(maxAbsoluteDifference(try embeds.floats(), try reference.floats("text_embeds")) < 1e-4)
    }

    @Test("loaded for text only (search): the same text embeddings, and images are refused with a clear error")
    func textTowerOnly() throws {
        let model = try CLIPModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1), towers: .text)
        let reference = try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
        let ids = try Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids"))
        #expect(maxAbsoluteDifference(try model.embed(inputIDs: ids).floats(), try reference.floats("text_embeds")) < 1e-4)
        let pixels = try Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values"))
        #expect(throws: CLIPModel.Error.visionTowerNotLoaded) { try model.embed(pixelValues: pixels) }
    }

    @Test("from the image file: decoding and CLIPImageProcessor's steps give the reference pixels' embedding")
    func fromFile() throws {
        let (model, reference) = try load()
        let pixels = try Tensor(shape: reference.info("processor_pixel_values").shape, floats: reference.floats("processor_pixel_values"))
        let expected = try model.embed(pixelValues: pixels).floats()
        let actual = try model.embed(contentsOf: [folder.appending(path: "reference_image.png")])
        #expect(actual.shape == [1, 20])
        #expect(maxAbsoluteDifference(try actual.floats(), expected) < 1e-5)
    }

    @Test("a file that is not an image is an error, not a crash")
    func notAnImage() throws {
        let (model, _) = try load()
        #expect(throws: (any Error).self) { try model.embed(contentsOf: [folder.appending(path: "config.json")]) }
    }

    @Test("logits per image within 1e-4 of transformers")
    func logits() throws {
        let (model, reference) = try load()
        let images = try model.embed(pixelValues: Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values")))
        let texts = try model.embed(inputIDs: Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids")))
        let logits = try model.logits(imageEmbeddings: images, textEmbeddings: texts).flatMap { $0 }
        #expect(maxAbsoluteDifference(logits, try reference.floats("logits_per_image")) < 1e-4)
    }
}
