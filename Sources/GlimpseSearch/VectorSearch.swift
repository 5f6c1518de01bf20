import Dispatch
import Foundation
import GlimpseIndex

/// One row of an embedding matrix and its similarity (dot product) with the query.
public struct VectorHit: Sendable, Hashable {
    public var row: Int
    public var score: Float
    public init(row: Int, score: Float) {
        self.row = row
        self.score = score
    }
}

/// Finds the rows of an embedding matrix most similar to a query vector. `ExactVectorSearch` scans every
/// row; an approximate index (IVF, HNSW) can conform later without changing the rankers.
public protocol VectorSearching: Sendable {
    /// The `k` rows with the highest dot product with `query`, best first; ties by ascending row.
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int) throws -> [VectorHit]

    /// The `k` rows among `rows` with the highest dot product with `query`, best first, ties by ascending
    /// row: exactly `nearest(to:in:k:)`'s answer over a matrix of those rows alone (search within folders).
    func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, among rows: RowSet) throws -> [VectorHit]
}

extension VectorSearching {
    /// Scores each of `rows` in fp32.
    public func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, among rows: RowSet) throws -> [VectorHit] {
        try ExactVectorSearch.scoreEach(of: rows, query: query, in: matrix, k: k)
    }
}

/// Exact search: SIMD dot products over the contiguous matrix, rows split across `threads` workers,
/// each keeping a partial top-k in a heap, merged at the end.
///
/// When the matrix carries a compact int8 copy (`EmbeddingMatrix.compact`), a first pass scans that
/// copy (a quarter of the bytes) and keeps every row whose int8 score, widened by a proven error bound
/// (`QuantizedQuery`), could still reach the k-th best; only those rows are scored in fp32, best bound
/// first, with the same dot product as the full scan. The hits and scores are therefore exactly those of
/// the fp32 scan, not an approximation. When the bound keeps too many rows (masses of ties or
/// near-duplicates) the search falls back to the fp32 scan.
public struct ExactVectorSearch: VectorSearching {
    /// When to use a matrix's compact copy.
    public enum CompactScan: Sendable, Hashable {
        /// When the matrix has one, at least `compactMinimumRows` rows and k is small next to the rows.
        case automatic
        /// Whenever the matrix has one (tests).
        case always
        /// Never: every row in fp32.
        case never
    }

    /// Workers to split the rows across (the benchmark machine has 2 cores).
    public var threads: Int
    /// Below this many rows one thread does all the work (threads cost more than they save).
    public var rowsPerThreadMinimum: Int
    public var compactScan: CompactScan
    /// `.automatic` scans the compact copy only from this many rows on.
    public var compactMinimumRows: Int

    public init(threads: Int = 2, rowsPerThreadMinimum: Int = 16_384, compactScan: CompactScan = .automatic,
                compactMinimumRows: Int = 4_096) {
        self.threads = max(1, threads)
        self.rowsPerThreadMinimum = max(1, rowsPerThreadMinimum)
        self.compactScan = compactScan
        self.compactMinimumRows = compactMinimumRows
    }

    /// How a search went (benchmarks and tests).
    public struct Statistics: Sendable, Hashable {
        public enum Path: Sendable, Hashable {
            /// Every row in fp32.
            case fp32
            /// The compact copy, then `rescored` rows in fp32.
            case compact
            /// The compact copy kept too many rows; every row was then scanned in fp32.
            case compactGaveUp
            /// A search among a few rows: each scored in fp32, the others never read.
            case eachListedRow
        }
        public var path: Path
        /// Rows whose bound reached the k-th best lower bound after the first pass (0 without one).
        public var candidates: Int
        /// Rows scored in fp32.
        public var rescored: Int
    }

    public func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int) throws -> [VectorHit] {
        try nearestWithStatistics(to: query, in: matrix, k: k).hits
    }

    /// Scores each listed row in fp32 while they are under a quarter of the matrix (a row in fp32 is four
    /// times the bytes of its int8 copy, so fewer rows cost less to read than the whole compact copy);
    /// otherwise scans the whole matrix as without a list, skipping the rows not listed as it goes.
    public func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int, among rows: RowSet) throws -> [VectorHit] {
        try nearestWithStatistics(to: query, in: matrix, k: k, among: rows).hits
    }

    /// `nearest(to:in:k:)`, among `rows` when given, and how it was answered.
    public func nearestWithStatistics(to query: [Float], in matrix: EmbeddingMatrix, k: Int, among listed: RowSet? = nil)
        throws -> (hits: [VectorHit], statistics: Statistics) {
        let rows = matrix.rows
        guard rows > 0, k > 0 else { return ([], Statistics(path: .fp32, candidates: 0, rescored: 0)) }
        guard query.count == matrix.dimension else {
            throw SearchError.dimensionMismatch(query: query.count, matrix: matrix.dimension, kind: "embedding")
        }
        if let listed, listed.count * 4 < rows {
            let hits = try Self.scoreEach(of: listed, query: query, in: matrix, k: k)
            return (hits, Statistics(path: .eachListedRow, candidates: 0, rescored: listed.count))
        }
        var gaveUp = false
        if let compact = matrix.compact, useCompact(rows: listed?.count ?? rows, k: k) {
            if let answer = compactSearch(query, matrix: matrix, compact: compact, k: k, among: listed) { return answer }
            gaveUp = true
        }
        let hits = fullScan(query, matrix: matrix, k: k, among: listed)
        return (hits, Statistics(path: gaveUp ? .compactGaveUp : .fp32, candidates: 0, rescored: listed?.count ?? rows))
    }

    /// The `k` best of `rows` (those inside the matrix), each scored in fp32 on this thread.
    static func scoreEach(of rows: RowSet, query: [Float], in matrix: EmbeddingMatrix, k: Int) throws -> [VectorHit] {
        guard matrix.rows > 0, k > 0 else { return [] }
        guard query.count == matrix.dimension else {
            throw SearchError.dimensionMismatch(query: query.count, matrix: matrix.dimension, kind: "embedding")
        }
        let dimension = matrix.dimension
        var heap = TopK(capacity: k)
        matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                guard let base = values.baseAddress, let qBase = q.baseAddress else { return }
                for row in rows.sorted where row < matrix.rows {
                    let score = dot(base + row * dimension, qBase, dimension)
                    if score >= heap.threshold { heap.insert(row: row, score: score) }
                }
            }
        }
        return heap.sorted()
    }

    func useCompact(rows: Int, k: Int) -> Bool {
        switch compactScan {
        case .never: return false
        case .always: return true
        case .automatic: return rows >= compactMinimumRows && k <= rows / 8
        }
    }

    func workers(rows: Int) -> Int { max(1, min(threads, rows / rowsPerThreadMinimum)) }

    /// Every row in fp32 (every listed row, when `listed` is given).
    func fullScan(_ query: [Float], matrix: EmbeddingMatrix, k: Int, among listed: RowSet? = nil) -> [VectorHit] {
        let rows = matrix.rows
        let workers = workers(rows: rows)
        return matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                if workers == 1 {
                    var heap = TopK(capacity: k)
                    Self.scan(values, query: q, rows: 0..<rows, among: listed, into: &heap)
                    return heap.sorted()
                }
                let partials = PartialResults<TopK>(count: workers)
                let chunk = (rows + workers - 1) / workers
                // The buffers outlive concurrentPerform, which returns only when every worker is done.
                let shared = ReadOnlyBuffers(values: values, query: q)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let range = min(rows, worker * chunk)..<min(rows, (worker + 1) * chunk)
                    var heap = TopK(capacity: k)
                    Self.scan(shared.values, query: shared.query, rows: range, among: listed, into: &heap)
                    partials.store(heap, at: worker)
                }
                var merged = TopK(capacity: k)
                for heap in partials.values { merged.merge(heap!) }
                return merged.sorted()
            }
        }
    }

    /// The int8 first pass, then the fp32 scores of the rows it could not rule out; nil when the query
    /// cannot be bounded or the first pass gave up.
    func compactSearch(_ query: [Float], matrix: EmbeddingMatrix, compact: QuantizedEmbeddings, k: Int,
                       among listed: RowSet? = nil) -> (hits: [VectorHit], statistics: Statistics)? {
        let rows = matrix.rows
        guard compact.rows == rows, compact.dimension == matrix.dimension,
              let quantized = query.withUnsafeBufferPointer({ QuantizedQuery($0, stride: compact.stride) })
        else { return nil }
        let workers = workers(rows: rows)
        let chunk = (rows + workers - 1) / workers
        // More kept rows than this and reading them in fp32 would cost about as much as the full scan.
        let limit = max(4 * k + 1024, chunk / 4)
        let partials: [FirstPassResult] = compact.withBuffers { buffers in
            if workers == 1 {
                return [QuantizedScan.scan(buffers, query: quantized, rows: 0..<rows, among: listed, k: k, limit: limit)]
            }
            let slots = PartialResults<FirstPassResult>(count: workers)
            let shared = SharedCompact(buffers: buffers)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = min(rows, worker * chunk)..<min(rows, (worker + 1) * chunk)
                slots.store(QuantizedScan.scan(shared.buffers, query: quantized, rows: range, among: listed, k: k, limit: limit),
                            at: worker)
            }
            return slots.values.map { $0! }
        }
        guard !partials.contains(where: \.gaveUp) else { return nil }

        // The k-th best lower bound over all rows: a row whose upper bound is below it is beaten by k rows.
        var lowers = TopK(capacity: k)
        for partial in partials { lowers.merge(partial.lowers) }
        let lambda = lowers.threshold
        var candidates: [(row: Int, upper: Float)] = []
        for partial in partials {
            for index in partial.rows.indices where !(partial.uppers[index] < lambda) {
                candidates.append((Int(partial.rows[index]), partial.uppers[index]))
            }
        }
        candidates.sort { $0.upper > $1.upper || ($0.upper == $1.upper && $0.row < $1.row) }

        // Best bound first; once k rows are scored, a bound below the k-th score ends the list.
        var heap = TopK(capacity: k)
        var rescored = 0
        let dimension = matrix.dimension
        matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                guard let base = values.baseAddress, let qBase = q.baseAddress else { return }
                for candidate in candidates {
                    let threshold = heap.threshold
                    if candidate.upper < threshold { break }
                    let score = Self.dot(base + candidate.row * dimension, qBase, dimension)
                    rescored += 1
                    if score >= threshold { heap.insert(row: candidate.row, score: score) }
                }
            }
        }
        return (heap.sorted(), Statistics(path: .compact, candidates: candidates.count, rescored: rescored))
    }

    /// Dot products of `query` with `rows` (those listed, when `listed` is given), offered to `heap`.
    static func scan(_ values: UnsafeBufferPointer<Float>, query: UnsafeBufferPointer<Float>, rows: Range<Int>,
                     among listed: RowSet?, into heap: inout TopK) {
        let dimension = query.count
        guard let base = values.baseAddress, let q = query.baseAddress else { return }
        var threshold = heap.threshold
        for row in rows {
            if let listed, !listed.contains(row) { continue }
            let score = dot(base + row * dimension, q, dimension)
            if score >= threshold {  // equal scores go to the heap, which breaks ties by row
                heap.insert(row: row, score: score)
                threshold = heap.threshold
            }
        }
    }

    /// The dot product of two `count`-long vectors: four 16-wide accumulators, then the remainder.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        let stride = MemoryLayout<Float>.stride
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            s0 += rawA.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            s1 += rawA.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
            s2 += rawA.loadUnaligned(fromByteOffset: (i + 32) * stride, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: (i + 32) * stride, as: SIMD16<Float>.self)
            s3 += rawA.loadUnaligned(fromByteOffset: (i + 48) * stride, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: (i + 48) * stride, as: SIMD16<Float>.self)
            i += 64
        }
        while i + 16 <= count {
            s0 += rawA.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            i += 16
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }
}

/// The matrix and the query, read (never written) by every worker while the caller waits.
private struct ReadOnlyBuffers: @unchecked Sendable {
    let values: UnsafeBufferPointer<Float>
    let query: UnsafeBufferPointer<Float>
}

/// The compact copy's buffers, read (never written) by every worker while the caller waits.
private struct SharedCompact: @unchecked Sendable {
    let buffers: QuantizedBuffers
}

/// One slot per worker for its partial result; each worker writes only its own slot.
private final class PartialResults<Value>: @unchecked Sendable {
    private(set) var values: [Value?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func store(_ value: Value, at index: Int) {
        lock.withLock { values[index] = value }
    }
}
