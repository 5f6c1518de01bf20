import Foundation

/// Collects the tokens of the full-text rows, in ascending row id, and lays them out as postings.
struct FullTextPostingsBuilder {
    private struct Term {
        var rows: [UInt32] = []
        var positionStarts: [UInt32] = []
        var positions: [UInt32] = []
    }

    private var termNumbers: [String: Int] = [:]
    private var terms: [Term] = []
    private var rowIDs: [Int64] = []
    private var rowLengths: [UInt32] = []
    private var totalTokens = 0

    /// Adds the next row (ids must ascend): its columns' tokens, in order, as FTS5's tokenizer made them.
    mutating func add(row id: Int64, columns: [[String]]) {
        precondition(rowIDs.last.map { $0 < id } ?? true, "rows must be added in ascending id")
        let row = UInt32(rowIDs.count)
        rowIDs.append(id)
        var length = 0
        for (column, tokens) in columns.enumerated() {
            for (offset, token) in tokens.enumerated() {
                let position = UInt32(column) << 24 | UInt32(offset)
                let number = termNumbers[token] ?? {
                    terms.append(Term())
                    termNumbers[token] = terms.count - 1
                    return terms.count - 1
                }()
                if terms[number].rows.last != row {
                    terms[number].rows.append(row)
                    terms[number].positionStarts.append(UInt32(terms[number].positions.count))
                }
                terms[number].positions.append(position)
            }
            length += tokens.count
        }
        rowLengths.append(UInt32(length))
        totalTokens += length
    }

    /// The postings buffer (see `FullTextPostingsLayout`).
    func build(generation: Int64, databaseID: UUID) -> Data {
        let sorted = termNumbers.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let postingCount = terms.reduce(0) { $0 + $1.rows.count }
        let layout = FullTextPostingsLayout(rows: rowIDs.count, terms: sorted.count, postings: postingCount,
                                            totalTokens: totalTokens, generation: generation, databaseID: databaseID)
        var termStarts: [UInt32] = [0], textStarts: [UInt32] = [0]
        var postingRows: [UInt32] = [], positionStarts: [UInt32] = [], positions: [UInt32] = []
        var text = Data()
        postingRows.reserveCapacity(postingCount)
        positionStarts.reserveCapacity(postingCount + 1)
        positions.reserveCapacity(totalTokens)
        for token in sorted {
            let term = terms[termNumbers[token]!]
            let base = UInt32(positions.count)
            postingRows.append(contentsOf: term.rows)
            positionStarts.append(contentsOf: term.positionStarts.map { $0 + base })
            positions.append(contentsOf: term.positions)
            termStarts.append(UInt32(postingRows.count))
            text.append(contentsOf: Array(token.utf8))
            textStarts.append(UInt32(text.count))
        }
        positionStarts.append(UInt32(positions.count))

        var bytes = layout.header()
        func append<T>(_ values: [T], at offset: Int) {
            precondition(bytes.count <= offset)
            bytes.append(Data(count: offset - bytes.count))
            values.withUnsafeBufferPointer { bytes.append($0) }
        }
        append(rowIDs.map(\.littleEndian), at: layout.rowIDs)
        append(rowLengths.map(\.littleEndian), at: layout.rowLengths)
        append(termStarts.map(\.littleEndian), at: layout.termStarts)
        append(textStarts.map(\.littleEndian), at: layout.textStarts)
        append(postingRows.map(\.littleEndian), at: layout.postingRows)
        append(positionStarts.map(\.littleEndian), at: layout.positionStarts)
        append(positions.map(\.littleEndian), at: layout.positions)
        append(Array(text), at: layout.text)
        return bytes
    }
}
