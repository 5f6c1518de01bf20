/// Elements `0..<count` in disjoint sets that can be joined (union–find with path halving): connected
/// regions of a mask, groups of look-alike images.
public struct DisjointSets: Sendable {
    private var parent: [Int]

    /// Every element in a set of its own.
    public init(count: Int) {
        parent = Array(0..<count)
    }

    /// The representative of `element`'s set: the same for every element of one set.
    public mutating func root(_ element: Int) -> Int {
        var element = element
        while parent[element] != element {
            parent[element] = parent[parent[element]]
            element = parent[element]
        }
        return element
    }

    /// Joins the sets of `a` and `b`; returns the joined set's representative (the smaller of the two
    /// roots), or nil when they were one set already.
    @discardableResult
    public mutating func join(_ a: Int, _ b: Int) -> Int? {
        let (rootA, rootB) = (root(a), root(b))
        guard rootA != rootB else { return nil }
        parent[max(rootA, rootB)] = min(rootA, rootB)
        return min(rootA, rootB)
    }
}
