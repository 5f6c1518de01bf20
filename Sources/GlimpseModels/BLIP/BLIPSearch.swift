import GlimpseRuntime

/// Greedy search as transformers' `_sample` with `do_sample=False`: the most likely token after the
/// logits processors, until `[SEP]` or the length limit.
struct BLIPGreedySearch {
    let model: BLIPModel
    let processor: BLIPLogitsProcessor
    let endTokenID: Int
    let padTokenID: Int
    let maxLength: Int

    /// Captions the images whose embeddings are `keys`, each starting from `prompt`.
    func run(keys: BLIPImageKeys, prompt: [Int]) throws -> [BLIPCaptioner.Caption] {
        let count = keys.count
        var sequences = Array(repeating: prompt, count: count)
        var logProbabilities = Array(repeating: [Float](), count: count)
        var finished = Array(repeating: false, count: count)
        var batch = BLIPDecodingBatch(model: model, keys: keys, rowsPerImage: 1, padTokenID: padTokenID)
        var logits = try batch.prefill(prompt: prompt)
        var length = prompt.count
        while true {
            var continuing: [Int: (sources: [Int], tokens: [Int])] = [:]
            for (image, rows) in logits {
                var scores = rows[0]
                processor.apply(&scores, tokens: sequences[image])
                let token = BLIPScores.argmax(scores)
                sequences[image].append(token)
                logProbabilities[image].append(BLIPScores.logSoftmax(scores)[token])
                if token == endTokenID {
                    finished[image] = true
                } else {
                    continuing[image] = ([0], [token])
                }
            }
            length += 1
            if length >= maxLength || continuing.isEmpty { break }
            logits = try batch.step(continuing)
        }
        return (0..<count).map { image in
            BLIPCaptioner.Caption(
                tokenIDs: sequences[image], promptLength: prompt.count, logProbabilities: logProbabilities[image],
                score: logProbabilities[image].reduce(0) { $0 + Double($1) }, finished: finished[image], text: nil)
        }
    }
}

/// Beam search as transformers' `_beam_search` with `BeamSearchScorer` (one returned sequence per image):
/// per step, log-softmax, the logits processors, the running beam score added, the top `2·numBeams`
/// candidates over all beams of an image; candidates ending in `[SEP]` within the top `numBeams` become
/// finished hypotheses, the others continue. Images whose search is done leave the decoder batch.
struct BLIPBeamSearch {
    let model: BLIPModel
    let processor: BLIPLogitsProcessor
    let endTokenID: Int
    let padTokenID: Int
    let maxLength: Int
    let numBeams: Int
    let lengthPenalty: Double
    let earlyStopping: BLIPCaptioner.GenerationOptions.EarlyStopping

    /// One open beam: its tokens (prompt included), transition scores and running score.
    private struct Beam {
        var tokens: [Int]
        var logProbabilities: [Float]
        var score: Float
    }

    func run(keys: BLIPImageKeys, prompt: [Int]) throws -> [BLIPCaptioner.Caption] {
        let count = keys.count
        var hypotheses = Array(repeating: BLIPBeamHypotheses(numBeams: numBeams, lengthPenalty: lengthPenalty,
                                                              earlyStopping: earlyStopping, maxLength: maxLength), count: count)
        // Every image starts with identical beams; all but the first score -1e9 so the first step picks distinct tokens.
        var beams = Array(repeating: (0..<numBeams).map { Beam(tokens: prompt, logProbabilities: [], score: $0 == 0 ? 0 : -1e9) },
                          count: count)
        var done = Array(repeating: false, count: count)
        var batch = BLIPDecodingBatch(model: model, keys: keys, rowsPerImage: numBeams, padTokenID: padTokenID)
        var logits = try batch.prefill(prompt: prompt)
        var length = prompt.count
        while true {
            var continuing: [Int: (sources: [Int], tokens: [Int])] = [:]
            for (image, rows) in logits {
                let step = advance(logits: rows, beams: beams[image], hypotheses: &hypotheses[image],
                                   length: length, promptLength: prompt.count)
                beams[image] = step.beams
                done[image] = hypotheses[image].isDone(bestSumLogProbabilities: Double(step.bestCandidate),
                                                       currentLength: length + 1, promptLength: prompt.count)
                if !done[image] {
                    continuing[image] = (step.sources, step.beams.map { $0.tokens.last! })
                }
            }
            length += 1
            if length >= maxLength || continuing.isEmpty { break }
            logits = try batch.step(continuing)
        }
        return (0..<count).map { image in
            var imageHypotheses = hypotheses[image]
            if !done[image] {
                for beam in beams[image] {
                    imageHypotheses.add(beam.tokens, sumLogProbabilities: Double(beam.score), generatedLength: length - prompt.count,
                                        logProbabilities: beam.logProbabilities, finished: false)
                }
            }
            let best = imageHypotheses.best!
            return BLIPCaptioner.Caption(
                tokenIDs: best.tokens + (best.finished ? [endTokenID] : []), promptLength: prompt.count,
                logProbabilities: best.logProbabilities, score: best.score, finished: best.finished, text: nil)
        }
    }

    /// One step of one image (`BeamSearchScorer.process`): returns the next beams, the best candidate
    /// score (for the done check), and for each next beam the beam (0..<numBeams) it continues.
    private func advance(logits: [[Float]], beams: [Beam], hypotheses: inout BLIPBeamHypotheses,
                         length: Int, promptLength: Int) -> (beams: [Beam], bestCandidate: Float, sources: [Int]) {
        let vocab = logits[0].count
        var processed: [[Float]] = []
        var candidates = [Float](repeating: 0, count: numBeams * vocab)
        for (index, beam) in beams.enumerated() {
            var scores = BLIPScores.logSoftmax(logits[index])
            processor.apply(&scores, tokens: beam.tokens)
            processed.append(scores)
            for token in 0..<vocab { candidates[index * vocab + token] = scores[token] + beam.score }
        }
        let top = BLIPScores.top(2 * numBeams, of: candidates)
        var next: [Beam] = [], sources: [Int] = []
        for (rank, candidate) in top.enumerated() {
            let (source, token) = (candidate.index / vocab, candidate.index % vocab)
            let transition = beams[source].logProbabilities + [processed[source][token]]
            if token == endTokenID {
                // Only an end within the top numBeams candidates finishes a hypothesis.
                if rank >= numBeams { continue }
                hypotheses.add(beams[source].tokens, sumLogProbabilities: Double(candidate.score),
                               generatedLength: length + 1 - promptLength, logProbabilities: transition, finished: true)
            } else {
                next.append(Beam(tokens: beams[source].tokens + [token], logProbabilities: transition, score: candidate.score))
                sources.append(source)
            }
            if next.count == numBeams { break }
        }
        return (next, top[0].score, sources)
    }
}
