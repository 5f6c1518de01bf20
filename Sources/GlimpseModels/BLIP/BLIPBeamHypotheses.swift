import Foundation

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
