/// The `capacity` best (highest-scoring) rows seen so far, kept in a min-heap so that a new row costs
/// one comparison when it does not make the cut. Ties prefer the lower row, so results are deterministic.
struct TopK: Sendable {
    let capacity: Int
    private(set) var rows: [Int] = []
    private(set) var scores: [Float] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        rows.reserveCapacity(self.capacity)
        scores.reserveCapacity(self.capacity)
    }

    /// The score a row must beat to enter once the heap is full (−∞ before).
    var threshold: Float { rows.count < capacity ? -.infinity : scores[0] }

    /// `a` ranks below `b`: lower score, or the same score and a higher row.
    @inline(__always)
    private func worse(_ a: Int, _ b: Int) -> Bool {
        scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b])
    }

    mutating func insert(row: Int, score: Float) {
        guard capacity > 0 else { return }
        if rows.count < capacity {
            rows.append(row)
            scores.append(score)
            siftUp(rows.count - 1)
        } else if score > scores[0] || (score == scores[0] && row < rows[0]) {
            rows[0] = row
            scores[0] = score
            siftDown(0)
        }
    }

    mutating func merge(_ other: TopK) {
        for index in other.rows.indices { insert(row: other.rows[index], score: other.scores[index]) }
    }

    /// Best first; equal scores by ascending row.
    func sorted() -> [VectorHit] {
        zip(rows, scores).map { VectorHit(row: $0.0, score: $0.1) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard worse(child, parent) else { return }
            rows.swapAt(child, parent)
            scores.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < rows.count, worse(left, smallest) { smallest = left }
            if right < rows.count, worse(right, smallest) { smallest = right }
            if smallest == parent { return }
            rows.swapAt(parent, smallest)
            scores.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
