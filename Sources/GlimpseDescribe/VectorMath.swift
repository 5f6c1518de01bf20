import Foundation

/// The little vector arithmetic the pipeline needs.
enum VectorMath {
    /// Cosine similarity of `a` and `b` (0 when either is zero or their lengths differ).
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        guard na > 0, nb > 0 else { return 0 }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    /// `a` scaled to unit length (unchanged when it is zero).
    static func normalized(_ a: [Float]) -> [Float] {
        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? a.map { $0 / norm } : a
    }

    /// Softmax of `logits`, computed stably.
    static func softmax(_ logits: [Float]) -> [Float] {
        guard let top = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}

/// Measures how long each stage takes.
struct StageClock {
    private(set) var timings: [StageTiming] = []
    private let clock = ContinuousClock()

    /// Runs `body` and records its duration under `stage`.
    mutating func measure<T>(_ stage: DescribeStage, _ body: () throws -> T) rethrows -> T {
        let start = clock.now
        let result = try body()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        timings.append(StageTiming(stage: stage.rawValue, seconds: seconds))
        return result
    }
}

/// The names of the pipeline's stages, as they appear in ``Description/timings``, in pipeline order.
public enum DescribeStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// The main caption (BLIP beam search).
    case caption
    /// Quick mode: the whole image's CLIP embedding.
    case imageEmbedding
    /// "Segment everything" (SAM).
    case segmentation
    /// Area threshold, duplicate merging, cap.
    case regions
    /// CLIP embeddings of the whole image and the crops, and crop skipping.
    case cropScreening
    /// BLIP captions of the crops that were not skipped (one greedy batch).
    case regionCaptions
    /// CLIP's ranking of the candidates and the choice of region captions (MiniLM repeat check).
    case selection
    /// Word pruning (only when switched on).
    case pruning
    /// Keywords and compound keywords of the final text.
    case keywords
    /// MiniLM embedding of the final text.
    case textEmbedding
}
