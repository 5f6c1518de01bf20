import GlimpseIndex

/// How the rankers' lists become one list.
public enum FusionMethod: Sendable, Hashable, Codable {
    /// Σ weight / (k + rank): uses ranks only, robust to scores on different scales. `k` is usually 60.
    case reciprocalRank(k: Double)
    /// Σ weight × calibrated score, each ranker's scores scaled to 0…1 as `Fusion.scales` says (an image
    /// missing from a list gets 0 from it). Unlike min–max scaling, the last candidate of a short list
    /// keeps its share, so a demoted image cannot overtake it by default.
    case weightedSum
}

/// How the weighted sum scales one ranker's raw scores to 0…1.
public enum ScoreScale: Sendable, Hashable, Codable {
    /// Divided by the list's best score, floored at 0: for BM25, whose scores have no fixed scale.
    case ofBest
    /// For cosine similarities, which have one: how far a score lies above `floor` (about what unrelated
    /// texts score), divided by how far the best lies above it, but never by less than `span`. When even the
    /// best match is weak — a person's or a place's name, which only tags and folder names hold — the
    /// ranker adds little, instead of putting its noise level with the words that matched. A hundredth of
    /// the share is still the score divided by the best, so that scores below the floor keep their order.
    case cosine(floor: Double, span: Double)

    /// `score` scaled within a list whose best score is `best`.
    func callAsFunction(_ score: Double, best: Double) -> Double {
        switch self {
        case .ofBest:
            best > 0 ? max(0, score) / best : (score == best ? 1 : 0)
        case let .cosine(floor, span):
            0.99 * max(0, score - floor) / max(best - floor, span) + 0.01 * Self.ofBest(score, best: best)
        }
    }
}

/// One value for each ranker.
public struct PerRanker<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var fullText: Value
    public var clip: Value
    public var sentence: Value

    public subscript(kind: RankerKind) -> Value {
        switch kind {
        case .fullText: fullText
        case .clip: clip
        case .sentence: sentence
        }
    }
}

/// The weight of each ranker in the fusion; a ranker with weight 0 still explains but does not rank.
public typealias FusionWeights = PerRanker<Double>

extension PerRanker where Value == Double {
    public init(fullText: Double = 1, clip: Double = 1, sentence: Double = 1) {
        self.fullText = fullText
        self.clip = clip
        self.sentence = sentence
    }
}

/// How each ranker's scores are scaled in the weighted sum.
public typealias ScoreScales = PerRanker<ScoreScale>

extension PerRanker where Value == ScoreScale {
    public init(fullText: ScoreScale = .ofBest, clip: ScoreScale = .ofBest, sentence: ScoreScale = .ofBest) {
        self.fullText = fullText
        self.clip = clip
        self.sentence = sentence
    }
}

/// What one ranker said about one image: its raw score, its 1-based rank, and the calibrated score.
public struct RankerContribution: Sendable, Hashable, Codable {
    public var ranker: RankerKind
    public var score: Double
    public var rank: Int
    /// The score scaled to 0…1 within this ranker's list (`ScoreScale`: what the weighted sum adds up).
    public var calibrated: Double
    public init(ranker: RankerKind, score: Double, rank: Int, calibrated: Double) {
        self.ranker = ranker
        self.score = score
        self.rank = rank
        self.calibrated = calibrated
    }
}

/// One image after fusion, with what each ranker contributed.
public struct FusedEntry: Sendable, Hashable {
    public var image: ImageID
    public var score: Double
    public var contributions: [RankerContribution]
    /// The region a ranker matched (CLIP), when one did.
    public var region: Int?
}

/// Combines ranked lists into one, deterministically (equal scores by ascending image id).
public struct Fusion: Sendable, Hashable, Codable {
    public var method: FusionMethod
    public var weights: FusionWeights
    /// How the weighted sum scales each ranker's scores (reciprocal rank uses ranks only).
    public var scales: ScoreScales

    /// The default: a calibrated weighted sum with the sentence ranker weighted 3, its cosines counted
    /// from 0.3 (`ScoreScale.cosine(floor: 0.3, span: 0.5)`).
    ///
    /// Chosen on Evaluation/ (462 descriptions, 152 queries, text only, and 14 queries of people's and
    /// places' names that only tags hold) with real all-MiniLM-L6-v2: nDCG@10 0.878 and 0.832 on the names,
    /// against 0.876 and 0.576 with the sentence ranker's cosines divided by its best, 0.854 for reciprocal
    /// rank with equal weights, 0.882 for MiniLM alone and 0.705 for full text alone (0.896 on the names).
    /// Full text stays in the fusion because it explains results, matches compounds as units, finds tags
    /// and names and answers without models. CLIP's weight (1) and scale could not be measured: the set
    /// has no pictures.
    public static let standard = Fusion(method: .weightedSum, weights: FusionWeights(fullText: 1, clip: 1, sentence: 3),
                                        scales: ScoreScales(sentence: .cosine(floor: 0.3, span: 0.5)))

    public init(method: FusionMethod, weights: FusionWeights = FusionWeights(), scales: ScoreScales = ScoreScales()) {
        self.method = method
        self.weights = weights
        self.scales = scales
    }

    public func fuse(_ lists: [RankerKind: [RankedEntry]]) -> [FusedEntry] {
        var fused: [ImageID: FusedEntry] = [:]
        for kind in lists.keys.sorted() {
            let list = lists[kind]!.sorted(by: RankedEntry.better)
            guard !list.isEmpty else { continue }
            let high = list.first!.score
            let weight = weights[kind]
            let scale = scales[kind]
            for (position, entry) in list.enumerated() {
                let rank = position + 1
                let calibrated = scale(entry.score, best: high)
                let contribution = RankerContribution(ranker: kind, score: entry.score, rank: rank, calibrated: calibrated)
                let part: Double
                switch method {
                case let .reciprocalRank(k): part = weight / (k + Double(rank))
                case .weightedSum: part = weight * calibrated
                }
                var current = fused[entry.image] ?? FusedEntry(image: entry.image, score: 0, contributions: [], region: nil)
                current.score += part
                current.contributions.append(contribution)
                if current.region == nil { current.region = entry.region }
                fused[entry.image] = current
            }
        }
        return fused.values.sorted { $0.score > $1.score || ($0.score == $1.score && $0.image < $1.image) }
    }
}
