import CVectorKernels
import Foundation
import GlimpseIndex

/// The query side of the int8 first pass: the query quantized to int16 and the constants that bound, for
/// every row, how far the int8 score can be from the fp32 score that exact search computes.
///
/// For a row `x` stored as `x = s·c + r` (`QuantizedEmbeddings`) and the query `q = t·d + e` (`d` int16):
///
///     q·x = t·s·(d·c) + t·(d·r) + e·x,   so   |q·x − t·s·(d·c)| ≤ ‖t·d‖·‖r‖ + ‖e‖·‖x‖.
///
/// `d·c` is exact (integers), `‖r‖` and `‖x‖` are stored rounded up, `‖e‖` and `‖t·d‖` are computed
/// here in Double and rounded up. On top come the rounding of the fp32 dot product that exact search
/// computes (`γ_D·‖q‖·‖x‖` with `γ_D = D·u/(1 − D·u)`, `u = 2⁻²⁴`, the recursive-summation bound) and
/// the Float arithmetic of the first pass (a few `u` relative, covered by the extra `16u` and `2⁻¹⁰`
/// margins). So `approx ± (alpha·‖x‖ + beta·‖r‖)` brackets the exact search's own score of the row.
struct QuantizedQuery {
    /// `stride` int16 values (zeros past the dimension).
    let codes: [Int16]
    /// `t`.
    let scale: Float
    /// Multiplies a row's norm bound.
    let alpha: Float
    /// Multiplies a row's residual bound.
    let beta: Float

    /// nil when the query cannot be bounded (a value that is not finite, a zero query, or a stride so
    /// large that int32 sums could overflow): exact search then scans in fp32.
    init?(_ query: UnsafeBufferPointer<Float>, stride: Int) {
        let dimension = query.count
        guard stride >= dimension, stride % 32 == 0, stride > 0 else { return nil }
        // Every partial sum stays within 127 · stride · max|d| ≤ Int32.max.
        let limit = min(32_767, Int(Int32.max) / (127 * stride))
        guard limit >= 127 else { return nil }
        var maxAbs: Float = 0
        for value in query {
            guard value.isFinite else { return nil }
            maxAbs = max(maxAbs, abs(value))
        }
        let scale = maxAbs / Float(limit)
        guard scale.isNormal else { return nil }
        var codes = [Int16](repeating: 0, count: stride)
        var error: Double = 0, quantized: Double = 0, norm: Double = 0
        for (index, value) in query.enumerated() {
            let code = min(Float(limit), max(-Float(limit), (value / scale).rounded(.toNearestOrEven)))
            codes[index] = Int16(code)
            let part = Double(scale) * Double(code)  // exact: 24 × 16 bits
            let residual = Double(value) - part
            error += residual * residual
            quantized += part * part
            norm += Double(value) * Double(value)
        }
        let u = 0x1p-24
        let d = Double(dimension)
        let gamma = d * u < 0.5 ? d * u / (1 - d * u) : Double.infinity
        let margin = 1 + 0x1p-10
        let alpha = (error.squareRoot() + norm.squareRoot() * (gamma + 16 * u)) * (1 + 1e-9) * margin
        let beta = quantized.squareRoot() * (1 + 16 * u) * (1 + 1e-9) * margin
        guard alpha.isFinite, beta.isFinite, beta > 0 else { return nil }
        self.codes = codes
        self.scale = scale
        self.alpha = QuantizedEmbeddings.roundedUp(alpha)
        self.beta = QuantizedEmbeddings.roundedUp(beta)
    }
}

/// What one worker of the first pass found in its rows.
struct FirstPassResult {
    /// Rows that may belong to the top k, with an upper bound of their exact score.
    var rows: [Int32] = []
    var uppers: [Float] = []
    /// The k best lower bounds seen (its threshold is a lower bound of the k-th best exact score).
    var lowers: TopK
    /// True when too many rows stayed candidates to be worth it (ties, near-duplicates).
    var gaveUp = false

    init(k: Int) { lowers = TopK(capacity: k) }
}

enum QuantizedScan {
    static let blockRows = 1024

    /// The first pass over `range` (its rows in `listed`, when given): every row whose upper bound
    /// reaches the running k-th best lower bound is kept. Gives up when more than `limit` rows would have
    /// to be kept.
    static func scan(_ compact: QuantizedBuffers, query: QuantizedQuery, rows range: Range<Int>, among listed: RowSet? = nil,
                     k: Int, limit: Int) -> FirstPassResult {
        var result = FirstPassResult(k: k)
        var capacity = max(4 * k + 1024, 4096)
        result.rows.reserveCapacity(capacity)
        result.uppers.reserveCapacity(capacity)
        var dots = [Int32](repeating: 0, count: blockRows)
        let stride = compact.stride
        let alpha = query.alpha, beta = query.beta, t = query.scale
        var lambda = -Float.infinity
        guard let codes = compact.codes.baseAddress, let scales = compact.scales.baseAddress,
              let norms = compact.norms.baseAddress, let residuals = compact.residuals.baseAddress
        else { return result }
        query.codes.withUnsafeBufferPointer { q in
            dots.withUnsafeMutableBufferPointer { out in
                var start = range.lowerBound
                while start < range.upperBound {
                    let count = min(blockRows, range.upperBound - start)
                    glimpse_dot_i8_i16(codes + start * stride, stride, count, q.baseAddress!, out.baseAddress!)
                    for offset in 0..<count {
                        let row = start + offset
                        if let listed, !listed.contains(row) { continue }
                        let approx = Float(out[offset]) * (t * scales[row])
                        let bound = alpha * norms[row] + beta * residuals[row]
                        var upper = approx + bound
                        if upper < lambda { continue }
                        if upper.isNaN { upper = .infinity }
                        let lower = approx - bound
                        if lower > lambda {
                            result.lowers.insert(row: row, score: lower)
                            lambda = result.lowers.threshold
                        }
                        result.rows.append(Int32(truncatingIfNeeded: row))
                        result.uppers.append(upper)
                        if result.rows.count >= capacity {
                            prune(&result, below: lambda)
                            if result.rows.count > limit {
                                result.gaveUp = true
                                return
                            }
                            if result.rows.count * 2 > capacity { capacity *= 2 }
                        }
                    }
                    start += count
                }
            }
        }
        return result
    }

    /// Drops the kept rows whose upper bound is below `lambda`.
    static func prune(_ result: inout FirstPassResult, below lambda: Float) {
        var kept = 0
        for index in result.rows.indices where !(result.uppers[index] < lambda) {
            result.rows[kept] = result.rows[index]
            result.uppers[kept] = result.uppers[index]
            kept += 1
        }
        result.rows.removeLast(result.rows.count - kept)
        result.uppers.removeLast(result.uppers.count - kept)
    }
}
