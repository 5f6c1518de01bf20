import Dispatch
import Foundation

/// A compact int8 copy of an `EmbeddingMatrix`, scanned first so that only a shortlist of rows is read
/// in fp32 (a quarter of the bytes per query).
///
/// Row `r` (values `x`, `dimension` long) is stored as
/// - `codes[r * stride ..< r * stride + dimension]`: `c_j = round(x_j / s)` clamped to ±127, then zeros
///   up to `stride` (a multiple of 64);
/// - `scales[r] = s = max|x_j| / 127` (0 for a zero row);
/// - `norms[r] ≥ ‖x‖` and `residuals[r] ≥ ‖x − s·c‖`, both rounded up to Float from a Double sum.
///
/// The two norms let a search bound the error of the int8 score of any query rigorously (Cauchy–Schwarz),
/// so it can prove which rows cannot reach the top k. A row with a value that is not finite gets
/// `norms = residuals = +∞` (codes 0): it can never be excluded on its int8 score.
///
/// Quantizing is deterministic (the same fp32 row always gives the same bytes), which is how a mapped
/// copy is checked against the matrix it claims to describe.
public struct QuantizedEmbeddings: Sendable {
    public let rows: Int
    public let dimension: Int
    /// Bytes per row of codes: `dimension` rounded up to a multiple of 64.
    public let stride: Int
    let storage: any QuantizedStorage

    /// Codes, scales and norms as one body, in the layout of the sidecar file after its header.
    static func stride(for dimension: Int) -> Int { (dimension + 63) / 64 * 64 }

    /// The body layout: scales, norms, residuals (Float each, `rows` long), padding to 64 bytes, codes.
    struct Layout {
        let rows: Int
        let stride: Int
        var scalesOffset: Int { 0 }
        var normsOffset: Int { rows * 4 }
        var residualsOffset: Int { rows * 8 }
        var codesOffset: Int { (rows * 12 + 63) / 64 * 64 }
        var byteCount: Int { codesOffset + rows * stride }

        /// nil when the sizes overflow `Int`.
        static func checked(rows: Int, stride: Int) -> Layout? {
            guard rows >= 0, stride >= 0 else { return nil }
            let (metadata, o1) = rows.multipliedReportingOverflow(by: 12)
            let (codes, o2) = rows.multipliedReportingOverflow(by: stride)
            guard !o1, !o2, metadata <= Int.max - 64, codes <= Int.max - metadata - 64 else { return nil }
            return Layout(rows: rows, stride: stride)
        }
    }

    init(rows: Int, dimension: Int, storage: any QuantizedStorage) {
        self.rows = rows
        self.dimension = dimension
        self.stride = Self.stride(for: dimension)
        self.storage = storage
    }

    /// Quantizes every row of `matrix` in memory, rows split across `threads` workers.
    public init(quantizing matrix: EmbeddingMatrix, threads: Int = 2) {
        let stride = Self.stride(for: matrix.dimension)
        let layout = Layout(rows: matrix.rows, stride: stride)
        let body = AlignedBytes(count: layout.byteCount)
        let dimension = matrix.dimension
        let rows = matrix.rows
        matrix.withValues { values in
            let target = SendableRawPointer(pointer: body.pointer)
            let source = SendableFloats(buffer: values)
            let workers = max(1, min(threads, rows / 4096))
            let chunk = (rows + workers - 1) / max(1, workers)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for row in min(rows, worker * chunk)..<min(rows, (worker + 1) * chunk) {
                    let x = UnsafeBufferPointer(rebasing: source.buffer[(row * dimension)..<((row + 1) * dimension)])
                    Self.quantize(x, stride: stride, row: row, layout: layout, into: target.pointer)
                }
            }
        }
        self.init(rows: rows, dimension: dimension, storage: body)
    }

    /// The four arrays, valid only inside `body`.
    public func withBuffers<R>(_ body: (QuantizedBuffers) throws -> R) rethrows -> R {
        try storage.withBody { raw in
            let layout = Layout(rows: rows, stride: stride)
            precondition(raw.count >= layout.byteCount, "quantized storage smaller than its layout")
            guard let base = raw.baseAddress, rows > 0 else {
                return try body(QuantizedBuffers(stride: stride, codes: .init(start: nil, count: 0), scales: .init(start: nil, count: 0),
                                                 norms: .init(start: nil, count: 0), residuals: .init(start: nil, count: 0)))
            }
            func floats(_ offset: Int) -> UnsafeBufferPointer<Float> {
                UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: Float.self), count: rows)
            }
            let codes = UnsafeBufferPointer(start: (base + layout.codesOffset).assumingMemoryBound(to: Int8.self),
                                            count: rows * stride)
            return try body(QuantizedBuffers(stride: stride, codes: codes, scales: floats(layout.scalesOffset),
                                             norms: floats(layout.normsOffset), residuals: floats(layout.residualsOffset)))
        }
    }

    /// Writes row `row`'s codes, scale and norms into a body laid out as `layout`.
    static func quantize(_ x: UnsafeBufferPointer<Float>, stride: Int, row: Int, layout: Layout,
                         into body: UnsafeMutableRawPointer) {
        let codes = (body + layout.codesOffset + row * stride).assumingMemoryBound(to: Int8.self)
        let entry = quantizeRow(x, codes: UnsafeMutableBufferPointer(start: codes, count: stride))
        body.storeBytes(of: entry.scale, toByteOffset: layout.scalesOffset + row * 4, as: Float.self)
        body.storeBytes(of: entry.norm, toByteOffset: layout.normsOffset + row * 4, as: Float.self)
        body.storeBytes(of: entry.residual, toByteOffset: layout.residualsOffset + row * 4, as: Float.self)
    }

    /// Quantizes one row into `codes` (`stride` long; zero-filled past the row) and returns its scale,
    /// norm bound and residual bound.
    static func quantizeRow(_ x: UnsafeBufferPointer<Float>, codes: UnsafeMutableBufferPointer<Int8>)
        -> (scale: Float, norm: Float, residual: Float) {
        guard let target = codes.baseAddress else { return (0, 0, 0) }
        target.initialize(repeating: 0, count: codes.count)
        guard let values = x.baseAddress else { return (0, 0, 0) }
        let count = x.count
        // Four independent lanes (index % 4), combined in a fixed order at the end, so the loops are not
        // one long dependency chain and the same row always gives the same bytes.
        var widest: (Float, Float, Float, Float) = (0, 0, 0, 0)
        var finite = true
        var index = 0
        while index + 4 <= count {
            let (a, b, c, d) = (values[index], values[index + 1], values[index + 2], values[index + 3])
            finite = finite && a.isFinite && b.isFinite && c.isFinite && d.isFinite
            widest = (max(widest.0, abs(a)), max(widest.1, abs(b)), max(widest.2, abs(c)), max(widest.3, abs(d)))
            index += 4
        }
        var maxAbs = max(max(widest.0, widest.1), max(widest.2, widest.3))
        while index < count {
            finite = finite && values[index].isFinite
            maxAbs = max(maxAbs, abs(values[index]))
            index += 1
        }
        guard finite else { return (0, .infinity, .infinity) }
        let scale = maxAbs / 127
        let usable = scale.isNormal
        let inverse = usable ? 1 / scale : 0
        let step = Double(usable ? scale : 0)
        var norms: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var residuals: (Double, Double, Double, Double) = (0, 0, 0, 0)
        /// Stores the code of `value` and returns (value², residual²) in Double.
        @inline(__always) func code(_ position: Int) -> (Double, Double) {
            let value = values[position]
            // Adding and removing 1.5·2²³ rounds |v| < 2²² to the nearest integer, ties to even, in the
            // default rounding mode (without a call to the C library on baseline x86-64).
            let rounded = min(127, max(-127, (value * inverse + 0x1.8p23) - 0x1.8p23))
            target[position] = Int8(rounded)
            // step * rounded is exact (24 × 8 bits); the residual is x − s·c as the search assumes.
            let wide = Double(value)
            let residual = wide - step * Double(rounded)
            return (wide * wide, residual * residual)
        }
        index = 0
        while index + 4 <= count {
            let (a, b, c, d) = (code(index), code(index + 1), code(index + 2), code(index + 3))
            norms = (norms.0 + a.0, norms.1 + b.0, norms.2 + c.0, norms.3 + d.0)
            residuals = (residuals.0 + a.1, residuals.1 + b.1, residuals.2 + c.1, residuals.3 + d.1)
            index += 4
        }
        var normSquared = (norms.0 + norms.1) + (norms.2 + norms.3)
        var residualSquared = (residuals.0 + residuals.1) + (residuals.2 + residuals.3)
        while index < count {
            let (norm, residual) = code(index)
            normSquared += norm
            residualSquared += residual
            index += 1
        }
        return (usable ? scale : 0, roundedUp(normSquared.squareRoot()), roundedUp(residualSquared.squareRoot()))
    }

    /// The smallest Float at or above `value` with a margin for the Double sum's own rounding.
    public static func roundedUp(_ value: Double) -> Float {
        let padded = value * (1 + 1e-9)
        var result = Float(padded)
        if Double(result) < padded { result = result.nextUp }
        return result
    }
}

/// The arrays of a `QuantizedEmbeddings`, row after row.
public struct QuantizedBuffers {
    public let stride: Int
    /// `rows × stride` int8 codes.
    public let codes: UnsafeBufferPointer<Int8>
    public let scales: UnsafeBufferPointer<Float>
    public let norms: UnsafeBufferPointer<Float>
    public let residuals: UnsafeBufferPointer<Float>
}

/// Bytes holding a quantized body: Swift memory or a mapped sidecar file.
protocol QuantizedStorage: Sendable {
    func withBody<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

/// Zeroed, 64-byte aligned memory owned by the object.
final class AlignedBytes: QuantizedStorage, @unchecked Sendable {
    // Written only while the owning `QuantizedEmbeddings` is being built, read-only afterwards.
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    func withBody<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    deinit { pointer.deallocate() }
}

/// The body of a mapped sidecar file, `offset` bytes in.
struct MappedQuantizedStorage: QuantizedStorage {
    let file: MappedFile
    let offset: Int
    let count: Int

    func withBody<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard count > 0, let base = file.address else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + offset, count: count))
    }
}

/// Pointers handed to `concurrentPerform` workers, each of which touches only its own rows.
private struct SendableRawPointer: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }
private struct SendableFloats: @unchecked Sendable { let buffer: UnsafeBufferPointer<Float> }
