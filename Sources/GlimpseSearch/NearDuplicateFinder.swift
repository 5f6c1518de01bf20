import Dispatch
import Foundation
import GlimpseIndex

/// Groups of indexed images that look alike: every pair whose CLIP image embeddings have a cosine of at
/// least `threshold` is linked, and linked images form a group (so a burst of shots, each like the next,
/// is one group even where its first and last shots differ more).
///
/// Every pair of the images compared is scored: n²⁄2 dot products, in bands of rows spread over the
/// cores. A folder of thousands of photos takes a fraction of a second; a whole library of 100,000
/// takes minutes (see BENCHMARKS.md).
public struct NearDuplicateFinder: Sendable {
    public let index: any SearchableIndex

    public init(index: any SearchableIndex) {
        self.index = index
    }

    /// The groups among the images under `folders` (every image when empty), the largest first.
    ///
    /// - Parameter progress: called now and then with the pairs scored so far and all there are to score.
    public func groups(threshold: Float, folders: [String] = [],
                       progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> [NearDuplicateGroup] {
        let matrix = try index.embeddingMatrix(.image)
        var rows = Array(0..<matrix.rows)
        if !folders.isEmpty, let scope = try SearchScope.images(under: folders, in: index).scope {
            rows = scope.rows(in: matrix).sorted
        }
        let links = pairs(rows, in: matrix, threshold: threshold, progress: progress)
        return try groups(of: links, rows: rows, in: matrix)
    }

    /// A pair of rows at least as alike as the threshold.
    struct Link {
        var first: Int32
        var second: Int32
        var similarity: Float
    }

    /// Rows per tile: two tiles (64 × 2 KB each at 512 dimensions) stay in the core's L2 cache.
    static let tile = 64

    /// Every pair of `rows` whose dot product reaches `threshold`.
    func pairs(_ rows: [Int], in matrix: EmbeddingMatrix, threshold: Float,
               progress: (@Sendable (Int, Int) -> Void)?) -> [Link] {
        let tiles = (rows.count + Self.tile - 1) / Self.tile
        let total = rows.count * (rows.count - 1) / 2
        let found = LinkLists(count: tiles)
        let dimension = matrix.dimension
        matrix.withValues { values in
            guard let base = values.baseAddress else { return }
            let shared = SharedRows(base: base, rows: rows)
            // One job per band of rows: its tile against itself and every later tile. Bands are handed to
            // the cores as they free up (the first bands have the most work).
            DispatchQueue.concurrentPerform(iterations: tiles) { band in
                var links: [Link] = []
                var scored = 0
                let rows = shared.rows, base = shared.base
                let bandRows = (band * Self.tile)..<min(rows.count, (band + 1) * Self.tile)
                func keep(_ i: Int, _ j: Int, _ score: Float) {
                    if score >= threshold { links.append(Link(first: Int32(i), second: Int32(j), similarity: score)) }
                }
                for other in band..<tiles {
                    let otherRows = (other * Self.tile)..<min(rows.count, (other + 1) * Self.tile)
                    // Four rows of the band at a time against each row of the other tile: each of its
                    // values is read once for four dot products.
                    for i in stride(from: bandRows.lowerBound, to: bandRows.upperBound, by: 4) {
                        let quad = i..<min(i + 4, bandRows.upperBound)
                        for j in max(i + 1, otherRows.lowerBound)..<max(i + 1, otherRows.upperBound) {
                            let b = base + rows[j] * dimension
                            if quad.count == 4 && j >= i + 4 {
                                let scores = Self.dot4(base + rows[i] * dimension, base + rows[i + 1] * dimension,
                                                       base + rows[i + 2] * dimension, base + rows[i + 3] * dimension, b, dimension)
                                for lane in 0..<4 { keep(i + lane, j, scores[lane]) }
                            } else {
                                for row in quad where row < j { keep(row, j, ExactVectorSearch.dot(base + rows[row] * dimension, b, dimension)) }
                            }
                        }
                        for row in quad { scored += max(0, otherRows.upperBound - max(row + 1, otherRows.lowerBound)) }
                    }
                }
                found.store(links, at: band, scored: scored, total: total, progress: progress)
            }
        }
        return found.all
    }

    /// The dot products of `a0`…`a3` with `b`, each summed in exactly the order of
    /// `ExactVectorSearch.dot` (so the scores equal those of a search, bit for bit).
    @inline(__always)
    static func dot4(_ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
                     _ a3: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        typealias Lanes = SIMD16<Float>
        @inline(__always) func load(_ pointer: UnsafePointer<Float>, _ offset: Int) -> Lanes {
            UnsafeRawPointer(pointer + offset).loadUnaligned(as: Lanes.self)
        }
        // Accumulator k of row r is s<r><k>, as s<k> in `ExactVectorSearch.dot`.
        var s00 = Lanes(), s01 = Lanes(), s02 = Lanes(), s03 = Lanes()
        var s10 = Lanes(), s11 = Lanes(), s12 = Lanes(), s13 = Lanes()
        var s20 = Lanes(), s21 = Lanes(), s22 = Lanes(), s23 = Lanes()
        var s30 = Lanes(), s31 = Lanes(), s32 = Lanes(), s33 = Lanes()
        var i = 0
        while i + 64 <= count {
            var y = load(b, i)
            s00 += load(a0, i) * y; s10 += load(a1, i) * y; s20 += load(a2, i) * y; s30 += load(a3, i) * y
            y = load(b, i + 16)
            s01 += load(a0, i + 16) * y; s11 += load(a1, i + 16) * y; s21 += load(a2, i + 16) * y; s31 += load(a3, i + 16) * y
            y = load(b, i + 32)
            s02 += load(a0, i + 32) * y; s12 += load(a1, i + 32) * y; s22 += load(a2, i + 32) * y; s32 += load(a3, i + 32) * y
            y = load(b, i + 48)
            s03 += load(a0, i + 48) * y; s13 += load(a1, i + 48) * y; s23 += load(a2, i + 48) * y; s33 += load(a3, i + 48) * y
            i += 64
        }
        while i + 16 <= count {
            let y = load(b, i)
            s00 += load(a0, i) * y; s10 += load(a1, i) * y; s20 += load(a2, i) * y; s30 += load(a3, i) * y
            i += 16
        }
        var sums = SIMD4<Float>(((s00 + s01) + (s02 + s03)).sum(), ((s10 + s11) + (s12 + s13)).sum(),
                                ((s20 + s21) + (s22 + s23)).sum(), ((s30 + s31) + (s32 + s33)).sum())
        while i < count {
            sums += SIMD4(a0[i], a1[i], a2[i], a3[i]) * b[i]
            i += 1
        }
        return sums
    }

    /// Linked rows joined into groups, each with its paths, largest group first. Links join groups
    /// strongest first, so a group's `leastSimilarity` is the weakest link it cannot do without.
    func groups(of links: [Link], rows: [Int], in matrix: EmbeddingMatrix) throws -> [NearDuplicateGroup] {
        let links = links.sorted { $0.similarity > $1.similarity }
        var parent = Array(0..<rows.count)
        func root(_ position: Int) -> Int {
            var position = position
            while parent[position] != position {
                parent[position] = parent[parent[position]]
                position = parent[position]
            }
            return position
        }
        var weakest: [Int: Float] = [:]
        for link in links {
            let a = root(Int(link.first)), b = root(Int(link.second))
            guard a != b else { continue }
            parent[max(a, b)] = min(a, b)
            weakest[min(a, b)] = link.similarity  // the weakest so far: links come strongest first
        }
        var members: [Int: [ImageID]] = [:]
        for link in links {
            for position in [Int(link.first), Int(link.second)] {
                members[root(position), default: []].append(matrix.rowImages[rows[position]])
            }
        }
        let ids = Set(members.values.joined())
        let paths = Dictionary(try index.searchDocuments(Array(ids)).map { ($0.id, $0.path) }, uniquingKeysWith: { first, _ in first })
        let groups = members.map { root, images -> NearDuplicateGroup in
            let images = Array(Set(images)).compactMap { id in paths[id].map { (id, $0) } }.sorted { $0.1 < $1.1 }
            return NearDuplicateGroup(images: images.map(\.0), paths: images.map(\.1), leastSimilarity: Double(weakest[root] ?? 1))
        }
        return groups.filter { $0.paths.count > 1 }
            .sorted { ($0.paths.count, $1.paths[0]) > ($1.paths.count, $0.paths[0]) }
    }
}

/// Images that look alike (`NearDuplicateFinder`).
public struct NearDuplicateGroup: Sendable, Hashable, Codable {
    /// The images, in the order of `paths`.
    public var images: [ImageID]
    /// Their paths, sorted.
    public var paths: [String]
    /// The lowest similarity among the links that joined the group.
    public var leastSimilarity: Double
}

/// The matrix's values and the rows compared, read (never written) by every job while the caller waits.
private struct SharedRows: @unchecked Sendable {
    let base: UnsafePointer<Float>
    let rows: [Int]
}

/// Each band's links, written by its job only; and the pairs scored so far, for progress.
private final class LinkLists: @unchecked Sendable {
    private var lists: [[NearDuplicateFinder.Link]]
    private var scored = 0
    private let lock = NSLock()

    init(count: Int) { lists = Array(repeating: [], count: count) }

    func store(_ links: [NearDuplicateFinder.Link], at band: Int, scored count: Int, total: Int,
               progress: (@Sendable (Int, Int) -> Void)?) {
        let done = lock.withLock {
            lists[band] = links
            scored += count
            return scored
        }
        progress?(done, total)
    }

    var all: [NearDuplicateFinder.Link] { lock.withLock { lists.flatMap { $0 } } }
}
