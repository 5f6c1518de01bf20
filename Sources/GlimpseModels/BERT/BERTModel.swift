import Foundation
import GlimpseRuntime

/// A BERT encoder loaded from a model folder in the hub layout, ready to run.
///
/// Sessions run concurrently, so one instance may serve many tasks.
public final class BERTModel: Sendable {
    public let configuration: BERTConfiguration
    private let session: InferenceSession

    /// The encoder's outputs for a batch.
    public struct Output: Sendable {
        /// `[batch, tokens, hidden]`.
        public var lastHiddenState: Tensor
        /// Mean-pooled over the attention mask and L2-normalised: `[batch, hidden]`.
        public var sentenceEmbedding: Tensor
    }

    /// Loads `config.json` and the safetensors weights of `directory`.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions()) throws {
        let folder = try ModelDirectory(url: directory)
        configuration = try folder.configuration(BERTConfiguration.self)
        let checkpoint = try SafeTensorsCheckpoint(directory: directory)
        let weights = try BERTGraph(configuration: configuration, checkpoint: checkpoint).build(checkpoint: checkpoint)
        session = try InferenceSession(runtime: runtime, weights: weights, options: options)
    }

    /// Runs the encoder on token ids `[batch, tokens]` with their attention mask (1 = token, 0 = padding).
    public func callAsFunction(inputIDs: Tensor, attentionMask: Tensor, tokenTypeIDs: Tensor? = nil) throws -> Output {
        let types = try tokenTypeIDs ?? Tensor(shape: inputIDs.shape, int64s: .init(repeating: 0, count: inputIDs.elementCount))
        let outputs = try session.run(["input_ids": inputIDs, "attention_mask": attentionMask, "token_type_ids": types])
        guard let states = outputs["last_hidden_state"], let embedding = outputs["sentence_embedding"] else {
            throw RuntimeError.invalidGraph("the BERT graph returned no hidden states")
        }
        return Output(lastHiddenState: states, sentenceEmbedding: embedding)
    }
}
