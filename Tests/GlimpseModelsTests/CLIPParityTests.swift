import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// Both tiny fixtures: `tiny-clip` (ViT-B/32's architecture: quick_gelu) and `tiny-clip-gelu` (the
/// OpenCLIP-trained checkpoints in transformers' format: gelu; an odd patch size, as ViT-L/14's).
@Suite("CLIP parity")
struct CLIPParityTests {
    static let fixtures = ["tiny-clip", "tiny-clip-gelu"]

    private func folder(_ fixture: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(fixture)", withExtension: nil)!
    }

    private func load(_ fixture: String) throws -> (CLIPModel, SafeTensorsFile) {
        let model = try CLIPModel(directory: folder(fixture), runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        return (model, try SafeTensorsFile(url: folder(fixture).appending(path: "reference.safetensors")))
    }

    @Test("the fixtures are the two activations of CLIP's configuration")
    func activations() throws {
        let (quick, _) = try load("tiny-clip"), (gelu, _) = try load("tiny-clip-gelu")
        #expect(quick.configuration.visionConfig.hiddenAct == .quickGELU && quick.configuration.textConfig.hiddenAct == .quickGELU)
        #expect(gelu.configuration.visionConfig.hiddenAct == .gelu && gelu.configuration.textConfig.hiddenAct == .gelu)
        #expect(gelu.configuration.visionConfig.patchSize == 7)
    }

    @Test("image embeddings within 1e-4 of transformers", arguments: fixtures)
    func imageEmbeddings(fixture: String) throws {
        let (model, reference) = try load(fixture)
        let pixels = try Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values"))
        let embeds = try model.embed(pixelValues: pixels)
        #expect(try embeds.shape == reference.info("image_embeds").shape)
        #expect(maxAbsoluteDifference(try embeds.floats(), try reference.floats("image_embeds")) < 1e-4)
    }

    @Test("text embeddings within 1e-4 of transformers, pooled at the first end-of-text token", arguments: fixtures)
    func textEmbeddings(fixture: String) throws {
        let (model, reference) = try load(fixture)
        let ids = try Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids"))
        let embeds = try model.embed(inputIDs: ids)
        #expect(try embeds.shape == reference.info("text_embeds").shape)
        #expect(maxAbsoluteDifference(try embeds.floats(), try reference.floats("text_embeds")) < 1e-4)
    }

    @Test("loaded for text only (search): the same text embeddings, and images are refused with a clear error")
    func textTowerOnly() throws {
        let model = try CLIPModel(directory: folder("tiny-clip"), runtime: .shared(), options: SessionOptions(intraOpThreads: 1), towers: .text)
        let reference = try SafeTensorsFile(url: folder("tiny-clip").appending(path: "reference.safetensors"))
        let ids = try Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids"))
        #expect(maxAbsoluteDifference(try model.embed(inputIDs: ids).floats(), try reference.floats("text_embeds")) < 1e-4)
        let pixels = try Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values"))
        #expect(throws: CLIPModel.Error.visionTowerNotLoaded) { try model.embed(pixelValues: pixels) }
    }

    @Test("from the image file: decoding and CLIPImageProcessor's steps give the reference pixels' embedding", arguments: fixtures)
    func fromFile(fixture: String) throws {
        let (model, reference) = try load(fixture)
        let pixels = try Tensor(shape: reference.info("processor_pixel_values").shape, floats: reference.floats("processor_pixel_values"))
        let expected = try model.embed(pixelValues: pixels).floats()
        let actual = try model.embed(contentsOf: [folder(fixture).appending(path: "reference_image.png")])
        #expect(actual.shape == [1, model.configuration.projectionDim])
        #expect(maxAbsoluteDifference(try actual.floats(), expected) < 1e-5)
    }

    @Test("a file that is not an image is an error, not a crash")
    func notAnImage() throws {
        let (model, _) = try load("tiny-clip")
        #expect(throws: (any Error).self) { try model.embed(contentsOf: [folder("tiny-clip").appending(path: "config.json")]) }
    }

    @Test("a tower without layers is refused by its field (each pools from its last layer)")
    func towerWithoutLayers() throws {
        let (model, _) = try load("tiny-clip")
        let checkpoint = try SafeTensorsCheckpoint(directory: folder("tiny-clip"))
        func field(_ build: () throws -> Void) -> String? {
            do { try build() } catch ModelsError.invalidConfiguration(_, let field, _) { return field } catch {}
            return nil
        }
        var noVisionLayers = model.configuration, noTextLayers = model.configuration
        noVisionLayers.visionConfig.numHiddenLayers = 0
        noTextLayers.textConfig.numHiddenLayers = 0
        #expect(field { _ = try CLIPVisionGraph(configuration: noVisionLayers).build(checkpoint: checkpoint) } == "vision_config.num_hidden_layers")
        #expect(field { _ = try CLIPTextGraph(configuration: noTextLayers).build(checkpoint: checkpoint) } == "text_config.num_hidden_layers")
        #expect(field { _ = try CLIPVisionGraph(configuration: model.configuration).build(checkpoint: checkpoint) } == nil)
    }

    @Test("logits per image within 1e-4 of transformers", arguments: fixtures)
    func logits(fixture: String) throws {
        let (model, reference) = try load(fixture)
        let images = try model.embed(pixelValues: Tensor(shape: reference.info("pixel_values").shape, floats: reference.floats("pixel_values")))
        let texts = try model.embed(inputIDs: Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids")))
        let logits = try model.logits(imageEmbeddings: images, textEmbeddings: texts).flatMap { $0 }
        #expect(maxAbsoluteDifference(logits, try reference.floats("logits_per_image")) < 1e-4)
    }
}
