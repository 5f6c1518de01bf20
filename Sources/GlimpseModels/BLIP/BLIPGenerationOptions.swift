import Foundation

extension BLIPCaptioner {
    /// How captions are decoded: transformers' `GenerationConfig` fields that apply to BLIP captioning,
    /// with transformers' defaults (BLIP's checkpoints set none of them): greedy search, at most 20
    /// tokens in all (`max_length`, counting `[DEC]` and the prefix).
    public struct GenerationOptions: Sendable, Hashable {
        /// `early_stopping`: when beam search stops for an image.
        public enum EarlyStopping: Sendable, Hashable {
            /// `False` (the default): stop when the best open beam, scored at the current length, cannot
            /// beat the worst of `numBeams` finished hypotheses.
            case heuristic
            /// `True`: stop as soon as `numBeams` hypotheses are finished.
            case whenFull
            /// `"never"`: stop only when no open beam can become better (canonical beam search).
            case never
        }

        /// `num_beams`: 1 is greedy search.
        public var numBeams: Int
        /// `max_length`: the longest sequence, `[DEC]`, prefix and generated tokens together.
        public var maxLength: Int
        /// `max_new_tokens`: when set, overrides ``maxLength`` with `prompt length + maxNewTokens`.
        public var maxNewTokens: Int?
        /// `min_length`: `[SEP]` cannot end a sequence shorter than this (prompt included).
        public var minLength: Int
        /// `min_new_tokens`: when set, overrides ``minLength`` with `prompt length + minNewTokens`.
        public var minNewTokens: Int?
        /// `repetition_penalty`: divides the positive scores (multiplies the negative ones) of tokens
        /// already in the sequence; 1 disables it.
        public var repetitionPenalty: Float
        /// `no_repeat_ngram_size`: forbids repeating any n-gram of this size; 0 disables it.
        public var noRepeatNgramSize: Int
        /// `length_penalty`: beam hypotheses are ranked by `sum of log-probabilities / length^lengthPenalty`
        /// (length counts generated tokens, `[SEP]` included).
        public var lengthPenalty: Double
        /// `early_stopping` of beam search.
        public var earlyStopping: EarlyStopping
        /// Token ids of a text prefix the caption continues (for "a picture of": the ids of
        /// `tokenizer.tokenIds("a picture of")`, without `[CLS]` or `[SEP]`). The decoder input is
        /// `[DEC]` followed by these ids, as `BlipForConditionalGeneration.generate` makes it from the
        /// processor's `[CLS] … [SEP]`.
        public var prefix: [Int]
        /// A text prefix ("a picture of"), tokenized with the model's `vocab.txt` as `BlipProcessor` does;
        /// when set it replaces ``prefix``.
        public var textPrefix: String?
        /// Not a transformers option: at most this many images go through the vision pass and the decoder
        /// together (larger batches are split; the captions do not change). Bounds memory: a base-size
        /// image's embeddings (what the decoder attends to) take 1.7 MiB, its vision activations far more.
        public var maxBatchSize: Int

        public init(
            numBeams: Int = 1, maxLength: Int = 20, maxNewTokens: Int? = nil, minLength: Int = 0,
            minNewTokens: Int? = nil, repetitionPenalty: Float = 1.0, noRepeatNgramSize: Int = 0,
            lengthPenalty: Double = 1.0, earlyStopping: EarlyStopping = .heuristic, prefix: [Int] = [],
            textPrefix: String? = nil, maxBatchSize: Int = 16
        ) {
            self.numBeams = numBeams
            self.maxLength = maxLength
            self.maxNewTokens = maxNewTokens
            self.minLength = minLength
            self.minNewTokens = minNewTokens
            self.repetitionPenalty = repetitionPenalty
            self.noRepeatNgramSize = noRepeatNgramSize
            self.lengthPenalty = lengthPenalty
            self.earlyStopping = earlyStopping
            self.prefix = prefix
            self.textPrefix = textPrefix
            self.maxBatchSize = maxBatchSize
        }

        /// Greedy search with at most `maxNewTokens` generated tokens.
        public static func greedy(maxNewTokens: Int? = nil) -> GenerationOptions {
            GenerationOptions(maxNewTokens: maxNewTokens)
        }

        /// Beam search with `beams` beams and at most `maxNewTokens` generated tokens.
        public static func beamSearch(_ beams: Int, maxNewTokens: Int? = nil) -> GenerationOptions {
            GenerationOptions(numBeams: beams, maxNewTokens: maxNewTokens)
        }

        /// The resolved lengths for `prompt` (`[DEC]` and the prefix ids), as transformers'
        /// `_prepare_generated_length` computes them; throws for values generation cannot use.
        func lengths(prompt: [Int], maxPositions: Int, vocabularySize: Int, padTokenID: Int) throws -> (max: Int, min: Int) {
            let promptLength = prompt.count
            func invalid(_ field: String, _ reason: String) -> ModelsError {
                .invalidConfiguration(file: "BLIP generation options", field: field, reason: reason)
            }
            guard numBeams >= 1 else { throw invalid("num_beams", "must be at least 1, got \(numBeams)") }
            guard repetitionPenalty > 0 else { throw invalid("repetition_penalty", "must be positive, got \(repetitionPenalty)") }
            guard noRepeatNgramSize >= 0 else { throw invalid("no_repeat_ngram_size", "must not be negative") }
            if let bad = prompt.first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw invalid("prefix", "token id \(bad) is outside the vocabulary (0..<\(vocabularySize))")
            }
            // transformers would mask a [PAD] in the prompt out of the attention; Glimpse's prompts have none.
            guard !prompt.contains(padTokenID) else {
                throw invalid("prefix", "contains the padding token \(padTokenID); give only the prefix's own token ids")
            }
            let maximum = maxNewTokens.map { $0 + promptLength } ?? maxLength
            let minimum = minNewTokens.map { $0 + promptLength } ?? minLength
            guard maximum > promptLength || maxNewTokens == nil else {
                throw invalid("max_new_tokens", "must be at least 1, got \(maxNewTokens ?? 0)")
            }
            // Every token but the last is fed to the decoder, whose positions end at max_position_embeddings.
            guard max(maximum, promptLength + 1) - 1 <= maxPositions else {
                throw invalid("max_length", "\(maximum) tokens exceed the decoder's \(maxPositions) positions (max_position_embeddings) plus one")
            }
            return (maximum, minimum)
        }
    }

    /// One image's caption.
    public struct Caption: Sendable, Hashable {
        /// The sequence as transformers' `generate` returns it for this image, without trailing padding:
        /// `[DEC]`, the prefix, the generated tokens and, if one was generated, the final `[SEP]`.
        public var tokenIDs: [Int]
        /// How many leading ids of ``tokenIDs`` were given (`[DEC]` and the prefix).
        public var promptLength: Int
        /// For each generated token, its log-probability after the logits processors (repetition penalty,
        /// minimum length…): transformers' `compute_transition_scores(…, normalize_logits=True)` for greedy
        /// search and the beam transition scores for beam search.
        public var logProbabilities: [Float]
        /// Greedy: the sum of ``logProbabilities``. Beam search: the hypothesis score transformers ranks by,
        /// `sum / generatedLength^lengthPenalty` (`sequences_scores`).
        public var score: Double
        /// Whether the caption ended with `[SEP]` (otherwise it was cut at the length limit).
        public var finished: Bool
        /// The decoded text (special tokens skipped), when the model folder has a tokenizer.
        public var text: String?

        /// The generated ids, after the prompt.
        public var generatedTokenIDs: [Int] { Array(tokenIDs[promptLength...]) }
    }
}
