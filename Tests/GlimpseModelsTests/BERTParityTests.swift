import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

@Suite("BERT parity")
struct BERTParityTests {
    private let folder = Bundle.module.url(forResource: "Fixtures/tiny-bert", withExtension: nil)!

    @Test("tiny BertModel: hidden states within 1e-4 of transformers, padding included")
    func tinyHiddenStates() throws {
        let reference = try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
        let model = try BERTModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        let shape = try reference.info("input_ids").shape
        let output = try model(
            inputIDs: Tensor(shape: shape, int64s: reference.int64s("input_ids")),
            attentionMask: Tensor(shape: shape, int64s: reference.int64s("attention_mask")),
            tokenTypeIDs: Tensor(shape: shape, int64s: reference.int64s("token_type_ids")))
        let expected = try reference.floats("last_hidden_state")
        #expect(output.lastHiddenState.shape == (try reference.info("last_hidden_state").shape))
        #expect(maxAbsoluteDifference(try output.lastHiddenState.floats(), expected) < 1e-4)
    }

    @Test("sentence embeddings are the normalised mean over unmasked tokens")
    func meanPooling() throws {
        let reference = try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
        let model = try BERTModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        let shape = try reference.info("input_ids").shape
        let mask = try reference.int64s("attention_mask")
        let output = try model(inputIDs: Tensor(shape: shape, int64s: reference.int64s("input_ids")),
                               attentionMask: Tensor(shape: shape, int64s: mask),
                               tokenTypeIDs: Tensor(shape: shape, int64s: reference.int64s("token_type_ids")))
        let states = try reference.floats("last_hidden_state")
        let (batch, tokens, hidden) = (shape[0], shape[1], states.count / (shape[0] * shape[1]))
        let embedding = try output.sentenceEmbedding.floats()
        for row in 0..<batch {
            var mean = [Float](repeating: 0, count: hidden)
            var count: Float = 0
            for token in 0..<tokens where mask[row * tokens + token] == 1 {
                count += 1
                for h in 0..<hidden { mean[h] += states[(row * tokens + token) * hidden + h] }
            }
            let norm = mean.map { $0 / count }.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let expected = mean.map { $0 / count / norm }
            #expect(maxAbsoluteDifference(Array(embedding[(row * hidden)..<((row + 1) * hidden)]), expected) < 1e-4)
        }
    }
}
