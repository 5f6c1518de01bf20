import Testing
import GlimpseIndex
@testable import GlimpseSearch

@Suite("Fusion")
struct FusionTests {
    let lists: [RankerKind: [RankedEntry]] = [
        .fullText: [RankedEntry(image: 1, score: 9), RankedEntry(image: 2, score: 5), RankedEntry(image: 3, score: 1)],
        .sentence: [RankedEntry(image: 3, score: 0.8), RankedEntry(image: 2, score: 0.6), RankedEntry(image: 4, score: 0.2)],
    ]

    @Test("reciprocal rank fusion adds weight / (k + rank)")
    func reciprocalRank() {
        let fused = Fusion(method: .reciprocalRank(k: 60)).fuse(lists)
        #expect(fused.map(\.image) == [3, 2, 1, 4])  // 1/61 + 1/63 beats 2/62
        let two = fused.first { $0.image == 2 }!
        #expect(abs(two.score - (1.0 / 62 + 1.0 / 62)) < 1e-12)
        #expect(two.contributions.map(\.rank) == [2, 2])
        #expect(two.contributions.map(\.ranker) == [.fullText, .sentence])
    }

    @Test("weighted sum adds weight × score divided by the ranker's best")
    func weightedSum() {
        let fused = Fusion(method: .weightedSum, weights: FusionWeights(fullText: 1, clip: 1, sentence: 2)).fuse(lists)
        let scores: [ImageID: Double] = Dictionary(uniqueKeysWithValues: fused.map { ($0.image, $0.score) })
        let expected: [ImageID: Double] = [
            1: 1,  // top of full text, absent from sentences
            2: 5.0 / 9 + 2.0 * (0.6 / 0.8),
            3: 1.0 / 9 + 2,
            4: 2.0 * (0.2 / 0.8),  // last of its list, yet not zero
        ]
        for (image, value) in expected {
            let actual: Double = scores[image] ?? -1
            #expect(abs(actual - value) < 1e-9, "image \(image)")
        }
        #expect(fused.map(\.image) == [3, 2, 1, 4])
    }

    @Test("cosines counted from a floor: a weak best adds little; a strong list is scaled by its best")
    func cosineScale() {
        let scale = ScoreScale.cosine(floor: 0.3, span: 0.5)
        #expect(abs(scale(0.9, best: 0.9) - 1) < 1e-12)
        #expect(abs(scale(0.6, best: 0.9) - (0.99 * 0.5 + 0.01 * 0.6 / 0.9)) < 1e-12)
        #expect(abs(scale(0.5, best: 0.5) - (0.99 * 0.4 + 0.01)) < 1e-12, "the best of a weak list is divided by the span")
        #expect(abs(scale(0.2, best: 0.25) - 0.01 * 0.2 / 0.25) < 1e-12, "below the floor only the hundredth is left")
        #expect(scale(0.2, best: 0.25) > scale(0.1, best: 0.25), "and keeps the order")
        let weak: [RankerKind: [RankedEntry]] = [
            .fullText: [RankedEntry(image: 1, score: 4), RankedEntry(image: 2, score: 4)],
            .sentence: [RankedEntry(image: 7, score: 0.25), RankedEntry(image: 1, score: 0.2)],
        ]
        let fused = Fusion.standard.fuse(weak)
        #expect(fused.map(\.image) == [1, 2, 7], "a name that full text found stays above the sentence ranker's noise")
        #expect(Fusion(method: .weightedSum, weights: Fusion.standard.weights).fuse(weak).map(\.image) == [1, 7, 2],
                "divided by its best, the noise would come before a name that full text found")
        #expect(Fusion.standard.fuse([.sentence: weak[.sentence]!]).map(\.image) == [7, 1], "alone, it still ranks by cosine")
    }

    @Test("a ranker with weight 0 explains but does not rank")
    func zeroWeight() {
        let fused = Fusion(method: .reciprocalRank(k: 60), weights: FusionWeights(fullText: 0, clip: 1, sentence: 1)).fuse(lists)
        #expect(fused.map(\.image) == [3, 2, 4, 1])
        #expect(fused.last!.score == 0)
        #expect(fused.last!.contributions.map(\.ranker) == [.fullText])
    }

    @Test("equal fused scores are ordered by image id, whatever the input order")
    func ties() {
        let a: [RankerKind: [RankedEntry]] = [.fullText: [RankedEntry(image: 9, score: 1)], .clip: [RankedEntry(image: 4, score: 0.3)]]
        let b: [RankerKind: [RankedEntry]] = [.clip: [RankedEntry(image: 4, score: 0.3)], .fullText: [RankedEntry(image: 9, score: 1)]]
        #expect(Fusion.standard.fuse(a).map(\.image) == [4, 9])
        #expect(Fusion.standard.fuse(b).map(\.image) == [4, 9])
        let same = [RankedEntry(image: 8, score: 1), RankedEntry(image: 2, score: 1), RankedEntry(image: 5, score: 1)]
        #expect(Fusion(method: .weightedSum).fuse([.sentence: same]).map(\.image) == [2, 5, 8])
    }

    @Test("the region a CLIP row matched is carried to the fused entry")
    func region() {
        let fused = Fusion.standard.fuse([.fullText: [RankedEntry(image: 1, score: 2)],
                                          .clip: [RankedEntry(image: 1, score: 0.3, region: 2)]])
        #expect(fused.first?.region == 2)
    }
}
