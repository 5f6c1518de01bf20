import Foundation

/// The logits processors transformers' `generate` applies for BLIP's generation options, in transformers'
/// order: `RepetitionPenaltyLogitsProcessor`, `NoRepeatNGramLogitsProcessor`, `MinLengthLogitsProcessor`.
///
/// Scores are one row `[vocab]` in float32, as in transformers (raw logits for greedy search,
/// log-probabilities for beam search).
struct BLIPLogitsProcessor: Sendable {
    var repetitionPenalty: Float
    var noRepeatNgramSize: Int
    var minLength: Int
    var endTokenID: Int

    /// Applies the processors to `scores` for the sequence `tokens` (the prompt included).
    func apply(_ scores: inout [Float], tokens: [Int]) {
        if repetitionPenalty != 1 {
            for token in Set(tokens) {
                let score = scores[token]
                scores[token] = score < 0 ? score * repetitionPenalty : score / repetitionPenalty
            }
        }
        if noRepeatNgramSize > 0 {
            for token in bannedTokens(tokens) { scores[token] = -Float.infinity }
        }
        if tokens.count < minLength {
            scores[endTokenID] = -Float.infinity
        }
    }

    /// Tokens that would complete an n-gram already in `tokens` (`_get_ngrams` / `_get_generated_ngrams`).
    private func bannedTokens(_ tokens: [Int]) -> [Int] {
        let n = noRepeatNgramSize
        if n == 1 { return tokens }
        guard tokens.count >= n else { return [] }
        let context = tokens.suffix(n - 1)
        var banned: [Int] = []
        for start in 0...(tokens.count - n) where tokens[start..<(start + n - 1)].elementsEqual(context) {
            banned.append(tokens[start + n - 1])
        }
        return banned
    }
}

/// Float32 helpers over one row of scores, matching PyTorch's choices.
enum BLIPScores {
    /// `log_softmax` over the row.
    static func logSoftmax(_ row: [Float]) -> [Float] {
        let maximum = row.max() ?? 0
        guard maximum.isFinite else { return row.map { _ in -Float.infinity } }
        var sum: Double = 0
        for value in row { sum += Double(Foundation.exp(value - maximum)) }
        let logSum = Float(Foundation.log(sum))
        return row.map { $0 - maximum - logSum }
    }

    /// The index of the largest score, the first one on ties (`torch.argmax`).
    static func argmax(_ row: [Float]) -> Int {
        var best = 0
        for index in row.indices where row[index] > row[best] { best = index }
        return best
    }

    /// The `count` largest entries, largest first; equal scores keep index order (`torch.topk`, sorted).
    static func top(_ count: Int, of values: [Float]) -> [(index: Int, score: Float)] {
        var best: [(index: Int, score: Float)] = []
        best.reserveCapacity(count + 1)
        for (index, score) in values.enumerated() {
            if best.count == count, let last = best.last, !(score > last.score) { continue }
            var position = best.count
            while position > 0 && score > best[position - 1].score { position -= 1 }
            best.insert((index, score), at: position)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}

/// The finished hypotheses of one image's beam search (transformers' `BeamHypotheses`): the best
/// `numBeams` sequences that ended, ranked by `sum of log-probabilities / generatedLength^lengthPenalty`.
struct BLIPBeamHypotheses {
    struct Hypothesis {
        var score: Double
        /// The sequence without its final `[SEP]` (the prompt included).
        var tokens: [Int]
        /// Transition scores of the generated tokens, the final `[SEP]`'s included when it ended with one.
        var logProbabilities: [Float]
        var finished: Bool
    }

    let numBeams: Int
    let lengthPenalty: Double
    let earlyStopping: BLIPCaptioner.GenerationOptions.EarlyStopping
    let maxLength: Int
    private(set) var beams: [Hypothesis] = []
    private var worstScore: Double = 1e9

    init(numBeams: Int, lengthPenalty: Double, earlyStopping: BLIPCaptioner.GenerationOptions.EarlyStopping, maxLength: Int) {
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.maxLength = maxLength
    }

    /// Offers a hypothesis whose log-probabilities sum to `sumLogProbabilities` over `generatedLength` tokens.
    mutating func add(_ tokens: [Int], sumLogProbabilities: Double, generatedLength: Int,
                      logProbabilities: [Float], finished: Bool) {
        let score = sumLogProbabilities / Foundation.pow(Double(generatedLength), lengthPenalty)
        guard beams.count < numBeams || score > worstScore else { return }
        beams.append(Hypothesis(score: score, tokens: tokens, logProbabilities: logProbabilities, finished: finished))
        if beams.count > numBeams {
            // Python sorts (score, index) pairs: the lowest score goes (the first of equal ones) and the
            // worst score becomes the second-lowest.
            let order = beams.indices.sorted { (beams[$0].score, $0) < (beams[$1].score, $1) }
            let secondLowest = beams[order[1]].score
            beams.remove(at: order[0])
            worstScore = secondLowest
        } else {
            worstScore = min(score, worstScore)
        }
    }

    /// Whether no open beam can beat the finished hypotheses (`BeamHypotheses.is_done`).
    ///
    /// - Parameters:
    ///   - bestSumLogProbabilities: the best candidate score of this step.
    ///   - currentLength: the sequence length after this step, prompt included.
    func isDone(bestSumLogProbabilities: Double, currentLength: Int, promptLength: Int) -> Bool {
        guard beams.count >= numBeams else { return false }
        switch earlyStopping {
        case .whenFull:
            return true
        case .heuristic:
            return worstScore >= bestSumLogProbabilities / Foundation.pow(Double(currentLength - promptLength), lengthPenalty)
        case .never:
            let length = lengthPenalty > 0 ? maxLength - promptLength : currentLength - promptLength
            return worstScore >= bestSumLogProbabilities / Foundation.pow(Double(length), lengthPenalty)
        }
    }

    /// The best hypothesis; among equal scores the one added last (Python's stable sort, then `pop()`).
    var best: Hypothesis? {
        var result: Hypothesis?
        for beam in beams where result == nil || beam.score >= result!.score { result = beam }
        return result
    }
}
