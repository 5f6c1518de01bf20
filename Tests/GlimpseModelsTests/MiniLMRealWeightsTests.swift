import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// The one real checkpoint we have: all-MiniLM-L6-v2, against embeddings computed by transformers.
@Suite("all-MiniLM-L6-v2, real weights")
struct MiniLMRealWeightsTests {
    @Test("embeddings from token ids have cosine ≥ 0.99999 with the reference for every sentence")
    func embeddingsFromIDs() throws {
        let model = try BERTModel(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/minilm/reference", withExtension: "safetensors"))
        let reference = try SafeTensorsFile(url: fixture)
        let shape = try reference.info("input_ids").shape
        let output = try model(inputIDs: Tensor(shape: shape, int64s: reference.int64s("input_ids")),
                               attentionMask: Tensor(shape: shape, int64s: reference.int64s("attention_mask")),
                               tokenTypeIDs: Tensor(shape: shape, int64s: reference.int64s("token_type_ids")))
        let expected = try reference.floats("sentence_embedding")
        let actual = try output.sentenceEmbedding.floats()
        let width = 384
        #expect(output.sentenceEmbedding.shape == [shape[0], width])
        #expect(shape[0] >= 30)
        for row in 0..<shape[0] {
            let a = actual[(row * width)..<((row + 1) * width)]
            let b = expected[(row * width)..<((row + 1) * width)]
            let cosine = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.99999, "sentence \(row): cosine \(cosine)")
        }
    }
}
