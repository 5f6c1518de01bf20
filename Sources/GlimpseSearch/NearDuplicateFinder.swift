import CVectorKernels
import Dispatch
import Foundation
import GlimpseIndex
import GlimpseRuntime

/// Groups of indexed images that look alike: every pair whose CLIP image embeddings have a cosine of at
/// least `threshold` is linked, and linked images form a group (so a burst of shots, each like the next,
/// is one group even where its first and last shots differ more).
///
/// Every pair of the images compared is scored: n²⁄2 dot products, in bands of rows spread over the
/// cores. A folder of thousands of photos takes a fraction of a second; a whole library of 100,000
/// takes minutes (see BENCHMARKS.md).
public struct NearDuplicateFinder: Sendable {
    public let index: any SearchableIndex
    /// The most linked pairs kept (12 bytes each): more means a threshold too low to mean duplicates, and
    /// the search stops with `SearchError.tooManyAlikePairs` instead of filling the memory.
    public var linkLimit: Int

    public init(index: any SearchableIndex, linkLimit: Int = 5_000_000) {
        self.index = index
        self.linkLimit = linkLimit
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
        guard let links = pairs(rows, in: matrix, threshold: threshold, progress: progress) else {
            throw SearchError.tooManyAlikePairs(threshold: threshold, limit: linkLimit)
        }
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

    /// Every pair of `rows` whose dot product reaches `threshold`; nil when there are more than `linkLimit`.
    func pairs(_ rows: [Int], in matrix: EmbeddingMatrix, threshold: Float,
               progress: (@Sendable (Int, Int) -> Void)?) -> [Link]? {
        let tiles = (rows.count + Self.tile - 1) / Self.tile
        let total = rows.count * (rows.count - 1) / 2
        let found = LinkLists(count: tiles, limit: linkLimit)
        let dimension = matrix.dimension
        matrix.withValues { values in
            guard let base = values.baseAddress else { return }
            let shared = SharedRows(pointers: rows.map { Optional(base + $0 * dimension) })
            // One job per band of rows: its tile against itself and every later tile. Bands are handed to
            // the cores as they free up (the first bands have the most work).
            DispatchQueue.concurrentPerform(iterations: tiles) { band in
                var links: [Link] = []
                var scored = 0
                var scores = [Float](repeating: 0, count: Self.tile * Self.tile)
                let count = shared.pointers.count
                let bandRows = (band * Self.tile)..<min(count, (band + 1) * Self.tile)
                shared.pointers.withUnsafeBufferPointer { pointers in
                    for other in band..<tiles {
                        if links.count > linkLimit || (other - band) % 64 == 0 && found.isFull { return }
                        let otherRows = (other * Self.tile)..<min(count, (other + 1) * Self.tile)
                        scores.withUnsafeMutableBufferPointer { out in
                            glimpse_dot_f32_tile(pointers.baseAddress! + bandRows.lowerBound, bandRows.count,
                                                 pointers.baseAddress! + otherRows.lowerBound, otherRows.count, dimension,
                                                 out.baseAddress!)
                        }
                        for i in bandRows {
                            let from = max(i + 1, otherRows.lowerBound)
                            guard from < otherRows.upperBound else { continue }
                            scored += otherRows.upperBound - from
                            let line = (i - bandRows.lowerBound) * otherRows.count - otherRows.lowerBound
                            for j in from..<otherRows.upperBound where scores[line + j] >= threshold {
                                links.append(Link(first: Int32(i), second: Int32(j), similarity: scores[line + j]))
                            }
                        }
                    }
                }
                found.store(links, at: band, scored: scored, total: total, progress: progress)
            }
        }
        return found.isFull ? nil : found.all
    }

    /// Linked rows joined into groups, each with its paths, largest group first. Links join groups
    /// strongest first, so a group's `leastSimilarity` is the weakest link it cannot do without.
    func groups(of links: [Link], rows: [Int], in matrix: EmbeddingMatrix) throws -> [NearDuplicateGroup] {
        let links = links.sorted { $0.similarity > $1.similarity }
        var sets = DisjointSets(count: rows.count)
        var weakest: [Int: Float] = [:]
        for link in links {
            // The weakest so far: links come strongest first.
            if let joined = sets.join(Int(link.first), Int(link.second)) { weakest[joined] = link.similarity }
        }
        var members: [Int: [ImageID]] = [:]
        for link in links {
            for position in [Int(link.first), Int(link.second)] {
                members[sets.root(position), default: []].append(matrix.rowImages[rows[position]])
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

/// The rows compared, in the matrix's values, read (never written) by every job while the caller waits.
private struct SharedRows: @unchecked Sendable {
    let pointers: [UnsafePointer<Float>?]
}

/// Each band's links, written by its job only; the pairs scored so far, for progress; and whether the
/// links found passed the limit.
private final class LinkLists: @unchecked Sendable {
    private var lists: [[NearDuplicateFinder.Link]]
    private var scored = 0
    private var links = 0
    private var full = false
    private let limit: Int
    private let lock = NSLock()

    init(count: Int, limit: Int) {
        lists = Array(repeating: [], count: count)
        self.limit = limit
    }

    func store(_ found: [NearDuplicateFinder.Link], at band: Int, scored count: Int, total: Int,
               progress: (@Sendable (Int, Int) -> Void)?) {
        let done = lock.withLock {
            lists[band] = found
            scored += count
            links += found.count
            if links > limit { full = true }
            return scored
        }
        progress?(done, total)
    }

    /// Whether more links than the limit were found (a job stopped early also counts).
    var isFull: Bool { lock.withLock { full } }

    var all: [NearDuplicateFinder.Link] { lock.withLock { lists.flatMap { $0 } } }
}
