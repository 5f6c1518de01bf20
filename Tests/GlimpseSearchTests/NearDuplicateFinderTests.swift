import CVectorKernels
import Foundation
import Testing
import GlimpseIndex
import GlimpseRuntime
@testable import GlimpseSearch

/// `NearDuplicateFinder`: groups of images whose CLIP image embeddings are alike.
@Suite("Near duplicates")
struct NearDuplicateFinderTests {
    /// A unit vector `angle` radians from `base` in the plane of `base` and `toward` (both unit, orthogonal).
    static func turned(_ base: [Float], toward: [Float], cosine: Float) -> [Float] {
        let sine = (1 - cosine * cosine).squareRoot()
        return zip(base, toward).map { cosine * $0 + sine * $1 }
    }

    static func axis(_ index: Int, dimension: Int = 8) -> [Float] {
        (0..<dimension).map { $0 == index ? 1 : 0 }
    }

    static func entry(_ id: ImageID, _ path: String, _ vector: [Float]) -> InMemoryIndex.Entry {
        InMemoryIndex.Entry(document: SearchDocument(id: id, path: path, caption: "", text: "", keywords: [], compounds: [], regions: []),
                            image: vector)
    }

    @Test("linked images form a group (a burst is one group), with the weakest link it needs; unlike images are left out")
    func groups() throws {
        let a = Self.axis(0), toward = Self.axis(1)
        let entries = [
            Self.entry(1, "/p/burst/1.jpg", a),
            Self.entry(2, "/p/burst/2.jpg", Self.turned(a, toward: toward, cosine: 0.99)),
            Self.entry(3, "/p/burst/3.jpg", Self.turned(a, toward: toward, cosine: 0.92)),  // 0.96 from 2, 0.92 from 1
            Self.entry(4, "/p/other.jpg", Self.axis(2)),
            Self.entry(5, "/q/copy.jpg", Self.axis(3)),
            Self.entry(6, "/p/copy.jpg", Self.turned(Self.axis(3), toward: Self.axis(4), cosine: 0.97)),
        ]
        let finder = NearDuplicateFinder(index: InMemoryIndex(entries))
        let found = try finder.groups(threshold: 0.95)
        #expect(found.map(\.paths) == [["/p/burst/1.jpg", "/p/burst/2.jpg", "/p/burst/3.jpg"], ["/p/copy.jpg", "/q/copy.jpg"]])
        #expect(found.map(\.images) == [[1, 2, 3], [6, 5]])
        let burst = try #require(found.first)
        let secondToThird = zip(entries[1].image, entries[2].image).map { $0 * $1 }.reduce(0, +)
        #expect(abs(burst.leastSimilarity - Double(secondToThird)) < 1e-5, "the link 2–3 joins 3; 1–3 is not needed")
        #expect(abs(found[1].leastSimilarity - 0.97) < 1e-5)

        #expect(try finder.groups(threshold: 0.999).isEmpty)
        var limited = finder
        limited.linkLimit = 3
        #expect(try limited.groups(threshold: 0.95).count == 2, "3 links: within the limit")
        #expect(throws: SearchError.tooManyAlikePairs(threshold: -1, limit: 3)) { try limited.groups(threshold: -1) }
        #expect(SearchError.tooManyAlikePairs(threshold: 0.5, limit: 3).localizedDescription.contains("not duplicates"))
        #expect(try finder.groups(threshold: 0.95, folders: ["/p"]).map(\.paths) == [["/p/burst/1.jpg", "/p/burst/2.jpg", "/p/burst/3.jpg"]],
                "only images under the folder are compared")
    }

    @Test("each tile kernel this CPU has equals the portable loop to float precision, for tiles of any shape",
          arguments: [512, 384, 77, 37, 16, 5])
    func tileKernels(dimension: Int) {
        let values = VectorSearchTests.values(20 * dimension, seed: UInt64(dimension))
        values.withUnsafeBufferPointer { buffer in
            let rows: [UnsafePointer<Float>?] = (0..<20).map { buffer.baseAddress! + $0 * dimension }
            for kernel in [Int32(GLIMPSE_F32_AVX2), Int32(GLIMPSE_F32_AVX512), -1] {
                for (na, nb) in [(13, 7), (4, 1), (1, 9), (8, 8)] {
                    var fast = [Float](repeating: .nan, count: na * nb), plain = fast
                    let ran = rows.withUnsafeBufferPointer { pointers in
                        glimpse_dot_f32_tile_portable(pointers.baseAddress!, na, pointers.baseAddress! + 10, nb, dimension, &plain)
                        guard kernel >= 0 else {  // the dispatched one
                            glimpse_dot_f32_tile(pointers.baseAddress!, na, pointers.baseAddress! + 10, nb, dimension, &fast)
                            return Int32(1)
                        }
                        return glimpse_dot_f32_tile_using(kernel, pointers.baseAddress!, na, pointers.baseAddress! + 10, nb, dimension, &fast)
                    }
                    let available = kernel == GLIMPSE_F32_AVX2 ? glimpse_dot_f32_uses_avx2()
                        : kernel == GLIMPSE_F32_AVX512 ? glimpse_dot_f32_uses_avx512() : 1
                    #expect(ran == available, "a kernel runs exactly where the CPU has its instructions")
                    guard ran == 1 else { continue }
                    for (x, y) in zip(fast, plain) {
                        #expect(abs(x - y) <= 1e-5 * Float(dimension).squareRoot(), "kernel \(kernel), \(na)×\(nb)")
                    }
                }
            }
        }
        #expect(glimpse_dot_f32_tile_using(99, nil, 0, nil, 0, 0, nil) == 0, "an unknown kernel does not run")
    }

    @Test("the int8 tile kernel equals the portable loop exactly, for tiles of any shape and codes at their limits",
          arguments: [64, 512, 768])
    func int8TileKernel(stride: Int) {
        var generator = SystemRandomNumberGenerator()
        var codes = (0..<(100 * stride)).map { _ in Int8.random(in: -127...127, using: &generator) }
        for k in 0..<stride { codes[k] = 127; codes[stride + k] = -127; codes[10 * stride + k] = -127 }  // the largest sums
        codes.withUnsafeBufferPointer { buffer in
            let rows: [UnsafePointer<Int8>?] = (0..<100).map { buffer.baseAddress! + $0 * stride }
            for (na, nb) in [(13, 7), (4, 1), (1, 9), (8, 8), (10, 10), (6, 75)] {
                var fast = [Int32](repeating: 0, count: na * nb), plain = fast
                rows.withUnsafeBufferPointer { pointers in
                    glimpse_dot_i8_tile_portable(pointers.baseAddress!, na, pointers.baseAddress! + 10, nb, stride, &plain)
                    glimpse_dot_i8_tile(pointers.baseAddress!, na, pointers.baseAddress! + 10, nb, stride, &fast)
                }
                #expect(fast == plain, "\(na)×\(nb), VNNI \(glimpse_dot_i8_tile_uses_vnni())")
            }
            var corner: [Int32] = [0]
            rows.withUnsafeBufferPointer { glimpse_dot_i8_tile($0.baseAddress!, 1, $0.baseAddress! + 10, 1, stride, &corner) }
            #expect(corner == [Int32(-127 * 127 * stride)])
        }
    }

    @Test("screening in int8 finds the pairs that every fp32 pair finds; a row that is not finite links nothing",
          arguments: [(24, 400), (512, 300)])
    func screenedEqualsFloat(dimension: Int, count: Int) throws {
        var values = QuantizedVectorSearchTests.clustered(rows: count, dimension: dimension, centers: 40, noise: 0.2, seed: 9)
        values[5 * dimension] = .nan
        values[6 * dimension + 1] = -.nan
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<count).map { ImageID($0 + 1) }, values: values)
        var finder = NearDuplicateFinder(index: InMemoryIndex([]))
        for threshold: Float in [0.8, 0.9, 0.97] {
            finder.scoring = .float32
            let plain = try #require(finder.pairs(Array(0..<count), in: matrix, threshold: threshold, progress: nil))
            finder.scoring = .screenedInInt8
            let screened = try #require(finder.pairs(Array(0..<count), in: matrix, threshold: threshold, progress: nil))
            let key = { (link: NearDuplicateFinder.Link) in [Int(link.first), Int(link.second)] }
            let near = Set(plain.filter { abs($0.similarity - threshold) < 1e-5 }.map(key))
            #expect(Set(screened.map(key)).subtracting(near) == Set(plain.map(key)).subtracting(near), "threshold \(threshold)")
            #expect((threshold > 0.85 || plain.count > 0) && !screened.contains { [5, 6].contains(Int($0.first)) || [5, 6].contains(Int($0.second)) })
            for (a, b) in zip(screened.sorted { key($0).lexicographicallyPrecedes(key($1)) },
                              plain.sorted { key($0).lexicographicallyPrecedes(key($1)) }) where key(a) == key(b) {
                #expect(abs(a.similarity - b.similarity) < 1e-5)
            }
        }
    }

    @Test("across many tiles, the pairs found are exactly those of a brute-force comparison, and progress reaches the total",
          arguments: [(24, 700), (512, 300), (37, 131)])
    func pairsMatchBruteForce(dimension: Int, count: Int) throws {
        let values = QuantizedVectorSearchTests.clustered(rows: count, dimension: dimension, centers: 60, noise: 0.25, seed: 3)
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<count).map { ImageID($0 + 1) }, values: values)
        let rows = Array(stride(from: 0, to: count, by: 1))
        let threshold: Float = 0.9
        // Exact scores (in Double): the kernel's float sums may fall either side of the threshold only for
        // pairs within a hair of it.
        var expected: Set<[Int]> = [], borderline: Set<[Int]> = []
        for i in rows {
            for j in rows where j > i {
                let score = (0..<dimension).reduce(0.0) { $0 + Double(values[i * dimension + $1]) * Double(values[j * dimension + $1]) }
                if abs(score - Double(threshold)) < 1e-5 { borderline.insert([i, j]) } else if score >= Double(threshold) { expected.insert([i, j]) }
            }
        }
        #expect(expected.count > count / 10, "the clusters make enough pairs to test")
        let reported = Locked((done: 0, total: 0))
        let links = try #require(NearDuplicateFinder(index: InMemoryIndex([])).pairs(rows, in: matrix, threshold: threshold) { done, total in
            reported.withLock { $0 = (max($0.done, done), total) }
        })
        let found = Set(links.map { [Int($0.first), Int($0.second)] })
        #expect(found.subtracting(borderline) == expected)
        #expect(links.count == found.count, "each pair once")
        for link in links.prefix(50) {
            let (i, j) = (Int(link.first), Int(link.second))
            let exact = ExactVectorSearch.dot(values, offset: i * dimension, Array(values[(j * dimension)..<((j + 1) * dimension)]))
            #expect(abs(link.similarity - exact) < 1e-5)
        }
        let last = reported.withLock { $0 }
        #expect(last.done == count * (count - 1) / 2 && last.total == last.done)
    }
}
