import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// Real shapes: CLIP ViT-B/32 with deterministic pseudo-random weights (regenerated here, 577 MiB,
/// in a temporary folder) against transformers run on the same weights.
@Suite("CLIP full-size parity", .serialized)
struct CLIPFullSizeParityTests {
    @Test("ViT-B/32 image and text embeddings (from ids and from text) within 1e-3 relative of transformers")
    func fullSize() throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/clip-vit-b32-deterministic", withExtension: nil))
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-clip-b32-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: fixture.appending(path: "config.json"), to: folder.appending(path: "config.json"))
        let specs = try JSONDecoder().decode([DeterministicCheckpoint.TensorSpec].self,
                                             from: Data(contentsOf: fixture.appending(path: "tensors.json")))
        try DeterministicCheckpoint.write(specs, to: folder)
        let bpe = try TestData.folder("clip-bpe")
        for file in ["vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: bpe.appending(path: file), to: folder.appending(path: file))
        }

        let model = try CLIPModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 2))
        let reference = try SafeTensorsFile(url: fixture.appending(path: "reference.safetensors"))
        let pixels = try Tensor(shape: [2, 3, 224, 224], floats: DeterministicCheckpoint.uniformSigned("pixel_values", count: 2 * 3 * 224 * 224))
        let ids = try Tensor(shape: reference.info("input_ids").shape, int64s: reference.int64s("input_ids"))

        let image = try model.embed(pixelValues: pixels).floats()
        let text = try model.embed(inputIDs: ids).floats()
        struct Metadata: Decodable { var texts: [String] }
        let texts = try JSONDecoder().decode(Metadata.self, from: Data(reference.metadata["fixture", default: ""].utf8)).texts
        let fromText = try model.embed(texts: texts).floats()
        for (actual, expected) in [(image, try reference.floats("image_embeds")), (text, try reference.floats("text_embeds")),
                                   (fromText, try reference.floats("text_embeds_from_text"))] {
            let scale = expected.map(abs).max() ?? 1
            #expect(actual.count == expected.count)
            #expect(maxAbsoluteDifference(actual, expected) / scale < 1e-3)
        }
        let probabilities = try model.zeroShot(imageEmbedding: Tensor(shape: [1, 512], floats: Array(image[0..<512])), texts: texts)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
    }
}
