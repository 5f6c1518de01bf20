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
    /// `compiledCache`: a folder for a compiled copy of vocab.txt (see `BertTokenizer`); nil parses it.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(),
                compiledCache: URL? = nil) throws {
        let folder = try ModelDirectory(url: directory)
        guard let vocabulary = folder.vocabTextURL else { throw ModelsError.missingFile("vocab.txt", directory: directory) }
        model = try BERTModel(directory: directory, runtime: runtime, options: options)
        tokenizer = try BertTokenizer(vocabularyURL: vocabulary, compiledCache: compiledCache)
        let limit = try SentenceEmbedder.maxSequenceLength(in: directory)
        maxSequenceLength = min(limit ?? model.configuration.maxPositionEmbeddings, model.configuration.maxPositionEmbeddings)
    }

    /// One unit-length vector per text, in order.
    ///
    /// Texts are batched longest first, as sentence-transformers' `encode` does, so that a batch pads
    /// its texts to similar lengths; padding is masked, so the order does not change the vectors.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let width = model.configuration.hiddenSize
        var rows = RowsInInputOrder(count: texts.count, width: width)
        let batches = LengthSortedBatches(texts, tokenizer: tokenizer, truncation: .maxLength(maxSequenceLength), size: batchSize)
        for batch in batches.batches {
            let tokens = batch.tokens
            let output = try model(
                inputIDs: Tensor(shape: tokens.shape, int64s: tokens.flatIds),
                attentionMask: Tensor(shape: tokens.shape, int64s: tokens.flatAttentionMask),
                tokenTypeIDs: Tensor(shape: tokens.shape, int64s: tokens.flatTokenTypeIds))
            rows.place(try output.sentenceEmbedding.floats(), at: batch.indices)
        }
        return (0..<texts.count).map { Array(rows.values[($0 * width)..<(($0 + 1) * width)]) }
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
