import Foundation

/// The resampling filters of Pillow's `Image.resize`, which transformers' image processors use.
/// Raw values are Pillow's constants, as stored in `preprocessor_config.json` (`"resample": 3`).
public enum ResamplingFilter: Int, Sendable, CaseIterable, Codable {
    case lanczos = 1
    case bilinear = 2
    case bicubic = 3
    case box = 4
    case hamming = 5

    /// Half the width of the filter kernel at scale 1, in source pixels.
    var support: Double {
        switch self {
        case .box: 0.5
        case .bilinear, .hamming: 1
        case .bicubic: 2
        case .lanczos: 3
        }
    }

    /// The kernel value at distance `x` (Pillow's definitions; bicubic uses a = −0.5).
    func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let d = abs(x)
            return d < 1 ? 1 - d : 0
        case .hamming:
            let d = abs(x)
            if d == 0 { return 1 }
            if d >= 1 { return 0 }
            let t = d * Double.pi
            return sin(t) / t * (0.54 + 0.46 * cos(t))
        case .bicubic:
            let a = -0.5
            let d = abs(x)
            if d < 1 { return ((a + 2) * d - (a + 3)) * d * d + 1 }
            if d < 2 { return (((d - 5) * d + 8) * d - 4) * a }
            return 0
        case .lanczos:
            guard x >= -3, x < 3 else { return 0 }
            return Self.sinc(x) * Self.sinc(x / 3)
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let t = x * Double.pi
        return sin(t) / t
    }
}

/// Fixed-point filter taps for one axis, computed exactly as Pillow does (`precompute_coeffs` followed
/// by the 8-bit normalisation with 22 fractional bits), for the output positions `outputs` only.
struct ResamplingTaps {
    static let precisionBits: Int32 = 22

    /// Taps per output position (the stride of `weights`).
    let kernelSize: Int
    /// For each output position: first source index and number of taps.
    let first: [Int]
    let count: [Int]
    /// `outputs.count × kernelSize` fixed-point weights.
    let weights: [Int32]

    /// The source indices any output position reads.
    var sourceRange: Range<Int> {
        let low = first.min() ?? 0
        let high = zip(first, count).map { $0 + $1 }.max() ?? low
        return low..<max(high, low)
    }

    init(inputSize: Int, outputSize: Int, outputs: Range<Int>, filter: ResamplingFilter) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outputs.count)
        var count = [Int](repeating: 0, count: outputs.count)
        var weights = [Int32](repeating: 0, count: outputs.count * kernelSize)
        var taps = [Double](repeating: 0, count: kernelSize)
        let inverse = 1 / filterScale
        for (slot, position) in outputs.enumerated() {
            let center = (Double(position) + 0.5) * scale
            // C's (int) conversion truncates toward zero, as Swift's Int(_:) does.
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            let n = max(high - low, 0)
            var total = 0.0
            for tap in 0..<n {
                let w = filter.weight((Double(tap + low) - center + 0.5) * inverse)
                taps[tap] = w
                total += w
            }
            for tap in 0..<n {
                let w = total != 0 ? taps[tap] / total : taps[tap]
                let fixed = w * Double(1 << Self.precisionBits)
                weights[slot * kernelSize + tap] = Int32(w < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            first[slot] = low
            count[slot] = n
        }
        self.kernelSize = kernelSize
        self.first = first
        self.count = count
        self.weights = weights
    }
}
