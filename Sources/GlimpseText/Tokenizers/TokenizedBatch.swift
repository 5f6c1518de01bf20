/// A batch of encoded texts, padded on the right, ready for a model's `[batch, tokens]` inputs.
///
/// Rows all have ``sequenceLength`` ids except in one case transformers allows too: with
/// ``Padding/maxLength`` and a length too short to hold the special tokens, a row that could not be
/// cut stays longer. The flat accessors pad such a batch to the longest row.
public struct TokenizedBatch: Sendable, Hashable {
    /// `[batch][tokens]` token ids, special tokens included.
    public var ids: [[Int]]
    /// `[batch][tokens]`: 1 for a real token, 0 for padding.
    public var attentionMask: [[Int]]
    /// `[batch][tokens]`: 0 for the first text of a pair (and padding), 1 for the second (BERT).
    public var tokenTypeIds: [[Int]]
    /// The id used for padding.
    public var padTokenId: Int

    public init(ids: [[Int]], attentionMask: [[Int]], tokenTypeIds: [[Int]], padTokenId: Int) {
        self.ids = ids
        self.attentionMask = attentionMask
        self.tokenTypeIds = tokenTypeIds
        self.padTokenId = padTokenId
    }

    /// Number of rows.
    public var count: Int { ids.count }
    /// Length of the longest row.
    public var sequenceLength: Int { ids.map(\.count).max() ?? 0 }
    /// `[batch, tokens]`.
    public var shape: [Int] { [count, sequenceLength] }

    /// Row-major `[batch, tokens]` ids as a model input tensor wants them.
    public var flatIds: [Int64] { Self.flatten(ids, padding: Int64(padTokenId), to: sequenceLength) }
    /// Row-major `[batch, tokens]` attention mask.
    public var flatAttentionMask: [Int64] { Self.flatten(attentionMask, padding: 0, to: sequenceLength) }
    /// Row-major `[batch, tokens]` token type ids.
    public var flatTokenTypeIds: [Int64] { Self.flatten(tokenTypeIds, padding: 0, to: sequenceLength) }

    private static func flatten(_ rows: [[Int]], padding: Int64, to length: Int) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(rows.count * length)
        for row in rows {
            for value in row { out.append(Int64(value)) }
            if row.count < length { out.append(contentsOf: repeatElement(padding, count: length - row.count)) }
        }
        return out
    }
}
