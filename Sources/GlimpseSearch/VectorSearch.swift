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
}

/// Exact search: SIMD dot products over the contiguous matrix, rows split across `threads` workers,
/// each keeping a partial top-k in a heap, merged at the end.
public struct ExactVectorSearch: VectorSearching {
    /// Workers to split the rows across (the benchmark machine has 2 cores).
    public var threads: Int
    /// Below this many rows one thread does all the work (threads cost more than they save).
    public var rowsPerThreadMinimum: Int

    public init(threads: Int = 2, rowsPerThreadMinimum: Int = 16_384) {
        self.threads = max(1, threads)
        self.rowsPerThreadMinimum = max(1, rowsPerThreadMinimum)
    }

    public func nearest(to query: [Float], in matrix: EmbeddingMatrix, k: Int) throws -> [VectorHit] {
        let rows = matrix.rows
        guard rows > 0, k > 0 else { return [] }
        guard query.count == matrix.dimension else {
            throw SearchError.dimensionMismatch(query: query.count, matrix: matrix.dimension, kind: "embedding")
        }
        let workers = max(1, min(threads, rows / rowsPerThreadMinimum))
        return matrix.withValues { values in
            query.withUnsafeBufferPointer { q in
                if workers == 1 {
                    var heap = TopK(capacity: k)
                    Self.scan(values, query: q, rows: 0..<rows, into: &heap)
                    return heap.sorted()
                }
                let partials = PartialHeaps(count: workers)
                let chunk = (rows + workers - 1) / workers
                // The buffers outlive concurrentPerform, which returns only when every worker is done.
                let shared = ReadOnlyBuffers(values: values, query: q)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let range = (worker * chunk)..<min(rows, (worker + 1) * chunk)
                    var heap = TopK(capacity: k)
                    Self.scan(shared.values, query: shared.query, rows: range, into: &heap)
                    partials.store(heap, at: worker)
                }
                var merged = TopK(capacity: k)
                for heap in partials.heaps { merged.merge(heap) }
                return merged.sorted()
            }
        }
    }

    /// Dot products of `query` with `rows`, offered to `heap`.
    static func scan(_ values: UnsafeBufferPointer<Float>, query: UnsafeBufferPointer<Float>, rows: Range<Int>,
                     into heap: inout TopK) {
        let dimension = query.count
        guard let base = values.baseAddress, let q = query.baseAddress else { return }
        var threshold = heap.threshold
        for row in rows {
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

/// One slot per worker for its partial heap; each worker writes only its own slot.
private final class PartialHeaps: @unchecked Sendable {
    private(set) var heaps: [TopK]
    private let lock = NSLock()

    init(count: Int) { heaps = Array(repeating: TopK(capacity: 0), count: count) }

    func store(_ heap: TopK, at index: Int) {
        lock.withLock { heaps[index] = heap }
    }
}
