import GlimpseRuntime

/// Greedy search as transformers' `_sample` with `do_sample=False`: the most likely token after the
/// logits processors, until `[SEP]` or the length limit.
struct BLIPGreedySearch {
    let model: BLIPModel
    let processor: BLIPLogitsProcessor
    let endTokenID: Int
    let padTokenID: Int
    let maxLength: Int

    /// Captions the images whose cross-attention keys are `keys`, each starting from `prompt`.
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
