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
/// takes tens of seconds (see BENCHMARKS.md).
public struct NearDuplicateFinder: Sendable {
    public let index: any SearchableIndex
    /// The most linked pairs kept (12 bytes each): more means a threshold too low to mean duplicates, and
    /// the search stops with `SearchError.tooManyAlikePairs` instead of filling the memory.
    public var linkLimit: Int
    /// How pairs are scored; by default screened in int8 where the CPU has AVX-512 VNNI.
    var scoring: Scoring = glimpse_dot_i8_tile_uses_vnni() == 1 ? .screenedInInt8 : .float32

    /// How every pair's dot product is found.
    enum Scoring {
        /// In fp32, every pair.
        case float32
        /// First from the int8 codes of `QuantizedEmbeddings` (four times fewer bytes, and four products per
        /// instruction lane with VNNI), with a rigorous bound on the error; only the pairs whose bound can
        /// reach the threshold are scored again, in Double. The same pairs as fp32 are found, but for pairs
        /// within rounding (about 10⁻⁶) of the threshold.
        case screenedInInt8
    }

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
        let dimension = matrix.dimension
        return matrix.withValues { values -> [Link]? in
            guard let base = values.baseAddress else { return [] }
            let floats = SharedRows(pointers: rows.map { base + $0 * dimension })
            switch scoring {
            case .float32:
                return links(count: rows.count, threshold: threshold, progress: progress) { band, other, scores, _ in
                    floats.pointers.withUnsafeBufferPointer { pointers in
                        glimpse_dot_f32_tile(pointers.baseAddress! + band.lowerBound, band.count,
                                             pointers.baseAddress! + other.lowerBound, other.count, dimension, scores)
                    }
                    return true
                }
            case .screenedInInt8:
                let compact = matrix.compact ?? QuantizedEmbeddings(quantizing: matrix)
                return compact.withBuffers { buffers -> [Link]? in
                    guard let codeBase = buffers.codes.baseAddress else { return [] }
                    let screen = Int8Screen(codes: SharedCodes(pointers: rows.map { codeBase + $0 * buffers.stride }),
                                            floats: floats, rows: rows, buffers: buffers, dimension: dimension)
                    return links(count: rows.count, threshold: threshold, progress: progress) { band, other, scores, dots in
                        screen.score(band, other, threshold: threshold, dots: dots, into: scores)
                    }
                }
            }
        }
    }

    /// Scores every tile of the `count` rows against itself and every later tile (`score` writes the dot
    /// product of rows i and j at `(i − band.lowerBound) · other.count + (j − other.lowerBound)`, with
    /// room for a tile of `Int32`s besides, and returns false when no pair of the tile can reach the
    /// threshold, its scores then unwritten), in bands of rows handed to the cores as they free up, and
    /// keeps the pairs that reach `threshold`; nil when there are more than `linkLimit`.
    private func links(count: Int, threshold: Float, progress: (@Sendable (Int, Int) -> Void)?,
                       score: @escaping @Sendable (Range<Int>, Range<Int>, UnsafeMutablePointer<Float>,
                                                   UnsafeMutablePointer<Int32>) -> Bool) -> [Link]? {
        let tiles = (count + Self.tile - 1) / Self.tile
        let total = count * (count - 1) / 2
        let found = LinkLists(count: tiles, limit: linkLimit)
        // The first bands have the most work.
        DispatchQueue.concurrentPerform(iterations: tiles) { band in
            var links: [Link] = []
            var scored = 0
            var scores = [Float](repeating: 0, count: Self.tile * Self.tile)
            var dots = [Int32](repeating: 0, count: Self.tile * Self.tile)
            let bandRows = (band * Self.tile)..<min(count, (band + 1) * Self.tile)
            for other in band..<tiles {
                if links.count > linkLimit || (other - band) % 64 == 0 && found.isFull { break }
                let otherRows = (other * Self.tile)..<min(count, (other + 1) * Self.tile)
                let reachable = scores.withUnsafeMutableBufferPointer { out in
                    dots.withUnsafeMutableBufferPointer { score(bandRows, otherRows, out.baseAddress!, $0.baseAddress!) }
                }
                for i in bandRows {
                    let from = max(i + 1, otherRows.lowerBound)
                    guard from < otherRows.upperBound else { continue }
                    scored += otherRows.upperBound - from
                    guard reachable else { continue }
                    let line = (i - bandRows.lowerBound) * otherRows.count - otherRows.lowerBound
                    for j in from..<otherRows.upperBound where scores[line + j] >= threshold {
                        links.append(Link(first: Int32(i), second: Int32(j), similarity: scores[line + j]))
                    }
                }
            }
            found.store(links, at: band, scored: scored, total: total, progress: progress)
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

/// The same rows' int8 codes, in a `QuantizedEmbeddings`, read the same way.
private struct SharedCodes: @unchecked Sendable {
    let pointers: [UnsafePointer<Int8>?]
}

/// Scores tiles from the int8 codes and rescores in Double only the pairs that may reach the threshold.
///
/// For rows x and y with scales s, codes c, norms n ≥ ‖x‖ and residuals r ≥ ‖x − s·c‖ (all rounded up):
/// x·y = sₓs_y cₓ·c_y + (sₓcₓ)·e_y + eₓ·y, so |x·y − sₓs_y cₓ·c_y| ≤ (nₓ + rₓ) r_y + rₓ n_y (Cauchy–Schwarz).
/// A pair is rescored when its int8 score plus that bound (plus `slack`, for Float's rounding) reaches the
/// threshold; the others get −∞.
private struct Int8Screen: @unchecked Sendable {
    let codes: SharedCodes
    let floats: SharedRows
    let scales: [Float]
    let norms: [Float]
    let residuals: [Float]
    /// nₓ + rₓ.
    let grown: [Float]
    let stride: Int
    let dimension: Int
    /// Far above the rounding of the Float arithmetic on values of this size (|estimate| ≤ about 1.1).
    static let slack: Float = 1e-4

    init(codes: SharedCodes, floats: SharedRows, rows: [Int], buffers: QuantizedBuffers, dimension: Int) {
        self.codes = codes
        self.floats = floats
        scales = rows.map { buffers.scales[$0] }
        norms = rows.map { buffers.norms[$0] }
        residuals = rows.map { buffers.residuals[$0] }
        grown = rows.map { buffers.norms[$0] + buffers.residuals[$0] }
        stride = buffers.stride
        self.dimension = dimension
    }

    /// Writes the tile's scores (−∞ for the pairs the screen rules out) and returns true when some pair may
    /// reach the threshold; returns false, writing nothing, when none can (most tiles).
    func score(_ band: Range<Int>, _ other: Range<Int>, threshold: Float, dots: UnsafeMutablePointer<Int32>,
               into scores: UnsafeMutablePointer<Float>) -> Bool {
        codes.pointers.withUnsafeBufferPointer { pointers in
            glimpse_dot_i8_tile(pointers.baseAddress! + band.lowerBound, band.count,
                                pointers.baseAddress! + other.lowerBound, other.count, stride, dots)
        }
        let reach = threshold - Self.slack
        var candidates: [Int] = []
        scales.withUnsafeBufferPointer { scales in
            norms.withUnsafeBufferPointer { norms in
                residuals.withUnsafeBufferPointer { residuals in
                    grown.withUnsafeBufferPointer { grown in
                        for i in band {
                            let (scale, growth, residual) = (scales[i], grown[i], residuals[i])
                            let line = (i - band.lowerBound) * other.count - other.lowerBound
                            for j in other {
                                let estimate = scale * scales[j] * Float(dots[line + j])
                                let bound = growth * residuals[j] + residual * norms[j]
                                // Written so that a bound that is not a number (a row with values that are not finite) rescores.
                                if !(estimate + bound < reach) { candidates.append(line + j) }
                            }
                        }
                    }
                }
            }
        }
        guard !candidates.isEmpty else { return false }
        scores.update(repeating: -.infinity, count: band.count * other.count)
        for position in candidates {
            let (row, column) = position.quotientAndRemainder(dividingBy: other.count)
            scores[position] = exactDot(band.lowerBound + row, other.lowerBound + column)
        }
        return true
    }

    /// The rows' dot product in Double, rounded to Float.
    func exactDot(_ i: Int, _ j: Int) -> Float {
        guard let x = floats.pointers[i], let y = floats.pointers[j] else { return -.infinity }
        var sum = 0.0
        for k in 0..<dimension { sum += Double(x[k]) * Double(y[k]) }
        return Float(sum)
    }
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
