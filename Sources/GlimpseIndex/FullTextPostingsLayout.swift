import Foundation

/// Where each array of a postings buffer starts, validated against the buffer's length.
///
/// Layout (little-endian, every array 8-byte aligned): a 64-byte header — magic `GLMPSFTS`, format
/// version (UInt32, 1), padding, rows (UInt64), terms (UInt64), postings (UInt64), positions
/// (UInt64, also the total tokens), generation (Int64), then the database id (16 bytes) at offset 64
/// and padding to 96 — followed by: row ids (Int64 × rows, ascending), row lengths in tokens (UInt32 ×
/// rows), term starts (UInt32 × (terms + 1), into the postings), term text starts (UInt32 × (terms + 1),
/// into the text), posting rows (UInt32 × postings, ascending within a term), position starts (UInt32 ×
/// (postings + 1), into the positions), positions (UInt32 × positions: column << 24 | token offset,
/// ascending within a posting), and the terms' UTF-8 text, sorted byte-wise.
struct FullTextPostingsLayout: Equatable {
    static let magic = Array("GLMPSFTS".utf8)
    static let version: UInt32 = 1
    static let headerSize = 96

    var rows: Int
    var terms: Int
    var postings: Int
    var totalTokens: Int
    var generation: Int64
    var databaseID: UUID

    var rowIDs: Int { Self.headerSize }
    var rowLengths: Int { Self.aligned(rowIDs + rows * 8) }
    var termStarts: Int { Self.aligned(rowLengths + rows * 4) }
    var textStarts: Int { Self.aligned(termStarts + (terms + 1) * 4) }
    var postingRows: Int { Self.aligned(textStarts + (terms + 1) * 4) }
    var positionStarts: Int { Self.aligned(postingRows + postings * 4) }
    var positions: Int { Self.aligned(positionStarts + (postings + 1) * 4) }
    var text: Int { Self.aligned(positions + totalTokens * 4) }

    static func aligned(_ offset: Int) -> Int { (offset + 7) / 8 * 8 }

    init(rows: Int, terms: Int, postings: Int, totalTokens: Int, generation: Int64, databaseID: UUID) {
        self.rows = rows
        self.terms = terms
        self.postings = postings
        self.totalTokens = totalTokens
        self.generation = generation
        self.databaseID = databaseID
    }

    /// The layout `bytes` declare, when the header is ours and every array, including the offsets
    /// the arrays hold, stays inside the buffer (a truncated or damaged file is never read past its end).
    init?(validating bytes: Data) {
        guard bytes.count >= Self.headerSize else { return nil }
        let parsed: FullTextPostingsLayout? = bytes.withUnsafeBytes { raw in
            guard Array(raw[0..<8]) == Self.magic,
                  UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == Self.version else { return nil }
            let counts = [16, 24, 32, 40].map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt64.self)) }
            guard counts.allSatisfy({ $0 < UInt64(UInt32.max) }) else { return nil }
            var id = UUID().uuid
            withUnsafeMutableBytes(of: &id) { target in
                for index in 0..<16 { target[index] = raw[64 + index] }
            }
            return FullTextPostingsLayout(
                rows: Int(counts[0]), terms: Int(counts[1]), postings: Int(counts[2]), totalTokens: Int(counts[3]),
                generation: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 48, as: Int64.self)), databaseID: UUID(uuid: id))
        }
        guard let parsed, parsed.text <= bytes.count else { return nil }
        self = parsed
        guard offsetsAreConsistent(bytes) else { return nil }
    }

    /// Term starts, text starts and position starts rise from 0 to their array's end, and every
    /// posting row is a row: what `FullTextPostingsView` relies on to stay in bounds.
    ///
    /// Every search process checks this once, over arrays of millions of entries at 100,000 images,
    /// so the loops are written to vectorise: no early exit, no dependency from one element to the next.
    private func offsetsAreConsistent(_ bytes: Data) -> Bool {
        bytes.withUnsafeBytes { raw in
            // Every array starts 8-byte aligned in the file, and mapped files start on a page; a buffer
            // that does not (never seen) is copied.
            func withArray<R>(_ offset: Int, count: Int, _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
                let start = raw.baseAddress! + offset
                guard Int(bitPattern: start) % MemoryLayout<UInt32>.alignment == 0 else {
                    return (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: UInt32.self) }
                        .withUnsafeBufferPointer(body)
                }
                return body(UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt32.self), count: count))
            }
            func rising(_ offset: Int, count: Int, last: Int) -> Bool {
                withArray(offset, count: count) { values in
                    var falls: UInt32 = 0
                    for index in 1..<count { falls |= values[index] < values[index - 1] ? 1 : 0 }
                    return falls == 0 && values[0] == 0 && Int(values[count - 1]) == last
                }
            }
            guard rising(termStarts, count: terms + 1, last: postings),
                  rising(textStarts, count: terms + 1, last: bytes.count - text),
                  rising(positionStarts, count: postings + 1, last: totalTokens) else { return false }
            let largest = withArray(postingRows, count: postings) { rows in
                var largest: UInt32 = 0
                for row in rows { largest = max(largest, row) }
                return largest
            }
            return postings == 0 || Int(largest) < rows
        }
    }

    /// The header's bytes.
    func header() -> Data {
        var head = Data(count: Self.headerSize)
        head.withUnsafeMutableBytes { raw in
            for (index, byte) in Self.magic.enumerated() { raw[index] = byte }
            raw.storeBytes(of: Self.version.littleEndian, toByteOffset: 8, as: UInt32.self)
            for (offset, value) in [(16, rows), (24, terms), (32, postings), (40, totalTokens)] {
                raw.storeBytes(of: UInt64(value).littleEndian, toByteOffset: offset, as: UInt64.self)
            }
            raw.storeBytes(of: generation.littleEndian, toByteOffset: 48, as: Int64.self)
            withUnsafeBytes(of: databaseID.uuid) { id in
                for index in 0..<16 { raw[64 + index] = id[index] }
            }
        }
        return head
    }
}
