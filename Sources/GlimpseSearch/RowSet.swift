/// A set of small non-negative integers (the rows of a matrix, image ids), one bit each: membership
/// costs one load and a mask, cheap enough for the inner loops of a scoped vector search. Its memory
/// grows with the largest member, so it suits dense numbers such as rows and SQLite row ids.
public struct RowSet: Sendable, Hashable {
    /// Bit `n % 64` of word `n / 64` is set for member `n`; never longer than the largest member needs
    /// (members are never removed), so equal sets have equal words.
    private var words: [UInt64]
    /// How many members the set has.
    public private(set) var count = 0

    /// An empty set.
    public init() { words = [] }

    /// The set of `members` (in any order, repeats allowed; negative numbers are left out).
    public init<Members: Sequence<Int>>(_ members: Members) {
        words = []
        for member in members { insert(member) }
    }

    /// Adds `member` (negative numbers are ignored).
    public mutating func insert(_ member: Int) {
        guard member >= 0 else { return }
        let word = member >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        let bit: UInt64 = 1 << UInt64(member & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    @inline(__always)
    public func contains(_ member: Int) -> Bool {
        let word = member >> 6
        return member >= 0 && word < words.count && words[word] & (1 << UInt64(member & 63)) != 0
    }

    /// The members, ascending.
    public var sorted: [Int] {
        var members: [Int] = []
        members.reserveCapacity(count)
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                members.append(index << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return members
    }
}
