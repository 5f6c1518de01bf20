import Testing
import GlimpseRuntime

@Suite("disjoint sets")
struct DisjointSetsTests {
    @Test("joined elements share a root, the smaller one; joining twice says nothing changed; others stay apart")
    func join() {
        var sets = DisjointSets(count: 6)
        #expect(sets.join(4, 2) == 2)
        #expect(sets.join(2, 5) == 2)
        #expect(sets.join(5, 4) == nil, "one set already")
        #expect(sets.join(1, 3) == 1)
        #expect(sets.join(3, 5) == 1)
        #expect(Set([1, 2, 3, 4, 5].map { sets.root($0) }) == [1])
        #expect(sets.root(0) == 0)
    }
}
