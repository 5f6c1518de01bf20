import GlimpseText

/// Texts tokenized once and grouped longest first into batches of at most `size`, as
/// sentence-transformers' `encode` does: each batch pads its texts to a similar length, so little work
/// goes to padding. Padding is masked (or, for CLIP, after the pooled token), so the grouping never
/// changes a text's result; ``RowsInInputOrder`` puts the results back in the order of the texts.
struct LengthSortedBatches {
    /// Each batch: the indices of its texts (into the input) and their ids, padded to the batch's longest.
    let batches: [(indices: [Int], tokens: TokenizedBatch)]

    init(_ texts: [String], tokenizer: some Tokenizer, truncation: Truncation, size: Int) {
        precondition(size > 0, "a batch holds at least one text")
        let encodings = texts.map { tokenizer.encode($0, truncation: truncation) }
        let order = encodings.indices.sorted { a, b in  // longest first; equal lengths keep their order
            let (lengthA, lengthB) = (encodings[a].ids.count, encodings[b].ids.count)
            return lengthA != lengthB ? lengthA > lengthB : a < b
        }
        batches = stride(from: 0, to: order.count, by: size).map { start in
            let indices = Array(order[start..<min(start + size, order.count)])
            let rows = indices.map { encodings[$0] }
            return (indices, TokenizedBatch(ids: rows.map(\.ids), attentionMask: rows.map(\.attentionMask),
                                            tokenTypeIds: rows.map(\.tokenTypeIds), padTokenId: tokenizer.padTokenId))
        }
    }
}

/// Rows of `width` floats computed batch by batch in any order, collected in input order.
struct RowsInInputOrder {
    let width: Int
    private(set) var values: [Float]

    init(count: Int, width: Int) {
        self.width = width
        values = [Float](repeating: 0, count: count * width)
    }

    /// Stores `rows` (`[indices.count · width]`, row-major) at the input positions `indices`.
    mutating func place(_ rows: [Float], at indices: [Int]) {
        precondition(rows.count == indices.count * width, "one row of \(width) values per index")
        for (row, index) in indices.enumerated() {
            values.replaceSubrange((index * width)..<((index + 1) * width), with: rows[(row * width)..<((row + 1) * width)])
        }
    }
}
