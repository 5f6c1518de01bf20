/// A text tokenizer that turns strings into vocabulary ids for a model and ids back into text,
/// exactly as the Hugging Face `transformers` (4.46.3) slow tokenizer of the same name does.
///
/// Implementations: ``CLIPTokenizer`` (byte-level BPE) and ``BertTokenizer`` (WordPiece; also
/// BLIP's captioning tokenizer through ``BertTokenizer/blip(vocabularyURL:)``).
/// Values are immutable and `Sendable`; share one instance between threads.
public protocol Tokenizer: Sendable {
    /// The longest input the model takes, in tokens, special tokens included (CLIP 77, BERT 512).
    var modelMaxLength: Int { get }
    /// The id that pads a batch (`attentionMask` 0 there).
    var padTokenId: Int { get }
    /// The ids of all special tokens (skipped by `decode(_:skipSpecialTokens: true)`).
    var specialTokenIds: Set<Int> { get }

    /// The ids of `text` without any special token (transformers' `encode(text, add_special_tokens=False)`).
    func tokenIds(_ text: String) -> [Int]
    /// The token strings of `text` without special tokens (transformers' `tokenize(text)`).
    func tokenize(_ text: String) -> [String]
    /// Puts the model's special tokens around one sequence of ids or a pair:
    /// transformers' `build_inputs_with_special_tokens` and `create_token_type_ids_from_sequences`.
    func addingSpecialTokens(_ first: [Int], pair second: [Int]?) -> Encoding
    /// How many special tokens ``addingSpecialTokens(_:pair:)`` adds.
    func numberOfSpecialTokens(pair: Bool) -> Int
    /// Text for `ids`, as transformers' `decode(ids, skip_special_tokens:)` with the tokenizer's
    /// default `clean_up_tokenization_spaces`. Ids outside the vocabulary are left out
    /// (BERT: read as `[UNK]`, as transformers does).
    func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String
}

/// One encoded sequence (or pair): ids with special tokens, the token type of each id and the
/// attention mask (1 for a real token, 0 for padding).
public struct Encoding: Sendable, Hashable {
    public var ids: [Int]
    public var tokenTypeIds: [Int]
    public var attentionMask: [Int]

    public init(ids: [Int], tokenTypeIds: [Int], attentionMask: [Int]? = nil) {
        self.ids = ids
        self.tokenTypeIds = tokenTypeIds
        self.attentionMask = attentionMask ?? Array(repeating: 1, count: ids.count)
    }
}

/// How long sequences are cut, special tokens included (transformers' `truncation=True` with the
/// `longest_first` strategy, cutting on the right).
public enum Truncation: Sendable, Hashable {
    /// No cut.
    case disabled
    /// Cut to ``Tokenizer/modelMaxLength`` (77 for CLIP, 512 for BERT).
    case modelMaxLength
    /// Cut to this many tokens.
    case maxLength(Int)
}

/// How a batch is padded on the right (transformers' `padding=`).
public enum Padding: Sendable, Hashable {
    /// To the longest sequence of the batch (`padding="longest"`).
    case longest
    /// To the truncation length, or ``Tokenizer/modelMaxLength`` without truncation (`padding="max_length"`).
    case maxLength
}

extension Tokenizer {
    /// The ids of `text` with the model's special tokens, not truncated (transformers' `encode(text)`).
    public func encode(_ text: String) -> [Int] {
        addingSpecialTokens(tokenIds(text), pair: nil).ids
    }

    /// `decode(ids, skipSpecialTokens: true)`: the text a model's output ids stand for.
    public func decode(_ ids: [Int]) -> String {
        decode(ids, skipSpecialTokens: true)
    }

    /// One text (or a pair) with special tokens, token types and attention mask, cut per `truncation`.
    public func encode(_ text: String, pair: String? = nil, truncation: Truncation = .disabled) -> Encoding {
        let first = tokenIds(text)
        let second = pair.map(tokenIds)
        return truncated(first, second, to: maxLength(for: truncation))
    }

    /// Encodes a batch of texts (or pairs: `pairs[i]` goes with `texts[i]`), cut per `truncation`
    /// and padded on the right per `padding`, as transformers' `tokenizer(texts, pairs, ...)`.
    /// - Precondition: `pairs` is nil or has as many elements as `texts`.
    public func encodeBatch(
        _ texts: [String], pairs: [String]? = nil,
        truncation: Truncation = .modelMaxLength, padding: Padding = .longest
    ) -> TokenizedBatch {
        precondition(pairs == nil || pairs!.count == texts.count, "pairs must match texts one to one")
        let limit = maxLength(for: truncation)
        var rows: [Encoding] = []
        rows.reserveCapacity(texts.count)
        for (i, text) in texts.enumerated() {
            rows.append(truncated(tokenIds(text), pairs.map { tokenIds($0[i]) }, to: limit))
        }
        let target: Int
        switch padding {
        case .longest: target = rows.map(\.ids.count).max() ?? 0
        case .maxLength: target = limit ?? modelMaxLength
        }
        for i in rows.indices where rows[i].ids.count < target {
            let missing = target - rows[i].ids.count
            rows[i].ids += repeatElement(padTokenId, count: missing)
            rows[i].tokenTypeIds += repeatElement(0, count: missing)
            rows[i].attentionMask += repeatElement(0, count: missing)
        }
        return TokenizedBatch(
            ids: rows.map(\.ids), attentionMask: rows.map(\.attentionMask),
            tokenTypeIds: rows.map(\.tokenTypeIds), padTokenId: padTokenId)
    }

    private func maxLength(for truncation: Truncation) -> Int? {
        switch truncation {
        case .disabled: return nil
        case .modelMaxLength: return modelMaxLength
        case .maxLength(let n): return n
        }
    }

    /// transformers' `prepare_for_model` + `truncate_sequences` (`longest_first`, right side):
    /// when the ids cannot be cut far enough, they are left as they are (transformers logs an error).
    private func truncated(_ first: [Int], _ second: [Int]?, to maxLength: Int?) -> Encoding {
        var a = first
        var b = second
        let total = a.count + (b?.count ?? 0) + numberOfSpecialTokens(pair: b != nil)
        if let maxLength, maxLength > 0, total > maxLength {
            let remove = total - maxLength
            if let pairIds = b {
                let firstRemove = min(abs(pairIds.count - a.count), remove)
                let secondRemove = remove - firstRemove
                let fromFirst: Int
                let fromSecond: Int
                if a.count > pairIds.count {
                    fromFirst = firstRemove + secondRemove / 2
                    fromSecond = secondRemove - secondRemove / 2
                } else {
                    fromFirst = secondRemove / 2
                    fromSecond = firstRemove + secondRemove - secondRemove / 2
                }
                a.removeLast(min(fromFirst, a.count))
                b = Array(pairIds.dropLast(fromSecond))
            } else if a.count > remove {
                a.removeLast(remove)
            }
        }
        return addingSpecialTokens(a, pair: b)
    }
}
