import Foundation
import GlimpseRuntime
import GlimpseText

/// Sentence embeddings as sentence-transformers computes them for all-MiniLM-L6-v2: WordPiece tokens
/// (cut to `max_seq_length`), a BERT encoder, mean pooling over the tokens, L2 normalisation.
public final class SentenceEmbedder: Sendable {
    public let model: BERTModel
    public let tokenizer: BertTokenizer
    /// The longest input in tokens, special tokens included (`max_seq_length` of sentence_bert_config.json).
    public let maxSequenceLength: Int
    /// Texts per encoder run; larger batches amortise per-run overhead.
    public var batchSize: Int { 64 }

    /// Loads a sentence-transformers folder: config.json, model.safetensors, vocab.txt, and optionally
    /// sentence_bert_config.json (else the encoder's `max_position_embeddings` bounds the length).
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions()) throws {
        let folder = try ModelDirectory(url: directory)
        guard let vocabulary = folder.vocabTextURL else { throw ModelsError.missingFile("vocab.txt", directory: directory) }
        model = try BERTModel(directory: directory, runtime: runtime, options: options)
        tokenizer = try BertTokenizer(vocabularyURL: vocabulary)
        let limit = try SentenceEmbedder.maxSequenceLength(in: directory)
        maxSequenceLength = min(limit ?? model.configuration.maxPositionEmbeddings, model.configuration.maxPositionEmbeddings)
    }

    /// One unit-length vector per text, in order.
    ///
    /// Texts are batched longest first, as sentence-transformers' `encode` does, so that a batch pads
    /// its texts to similar lengths; padding is masked, so the order does not change the vectors.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let order = texts.count <= 1 ? Array(texts.indices)
            : texts.indices.map { ($0, tokenizer.encode(texts[$0]).count) }.sorted { $0.1 > $1.1 }.map(\.0)
        var vectors = [[Float]](repeating: [], count: texts.count)
        let width = model.configuration.hiddenSize
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let rows = order[start..<min(start + batchSize, order.count)]
            let batch = tokenizer.encodeBatch(rows.map { texts[$0] }, truncation: .maxLength(maxSequenceLength), padding: .longest)
            let output = try model(
                inputIDs: Tensor(shape: batch.shape, int64s: batch.flatIds),
                attentionMask: Tensor(shape: batch.shape, int64s: batch.flatAttentionMask),
                tokenTypeIDs: Tensor(shape: batch.shape, int64s: batch.flatTokenTypeIds))
            let flat = try output.sentenceEmbedding.floats()
            for (row, index) in rows.enumerated() { vectors[index] = Array(flat[(row * width)..<((row + 1) * width)]) }
        }
        return vectors
    }

    private static func maxSequenceLength(in directory: URL) throws -> Int? {
        let url = directory.appending(path: "sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        struct Settings: Decodable { var max_seq_length: Int? }
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(contentsOf: url)).max_seq_length
        } catch {
            throw ModelsError.invalidConfiguration(file: "sentence_bert_config.json", field: "max_seq_length", reason: "\(error)")
        }
    }
}
