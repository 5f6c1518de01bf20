/// Byte-pair merges in rank order, kept flat: each merge's two symbols (UTF-8 of their byte-level
/// strings) back to back in one buffer, so reading CLIP's 48,894 merges allocates a few arrays instead
/// of two per merge, and a merge's result (the two symbols joined) is already one contiguous slice.
struct MergeList: Sendable {
    private var bytes: [UInt8] = []
    /// `[0, end of merge 0's left symbol, end of merge 0's right symbol, end of merge 1's left, …]`.
    private var bounds: [Int] = [0]

    var count: Int { (bounds.count - 1) / 2 }

    init(capacity: Int = 0, byteCapacity: Int = 0) {
        bounds.reserveCapacity(2 * capacity + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    /// Adds the merge of `left` and `right` after the others (the next rank).
    mutating func append<Left: Collection<UInt8>, Right: Collection<UInt8>>(_ left: Left, _ right: Right) {
        bytes.append(contentsOf: left)
        bounds.append(bytes.count)
        bytes.append(contentsOf: right)
        bounds.append(bytes.count)
    }

    /// Calls `body` with each merge's left and right symbols and their join, in rank order (the buffers
    /// are valid during the call only).
    func forEach(_ body: (_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>,
                          _ merged: UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            for rank in 0..<count {
                let start = bounds[2 * rank], middle = bounds[2 * rank + 1], end = bounds[2 * rank + 2]
                body(UnsafeBufferPointer(rebasing: all[start..<middle]), UnsafeBufferPointer(rebasing: all[middle..<end]),
                     UnsafeBufferPointer(rebasing: all[start..<end]))
            }
        }
    }
}
