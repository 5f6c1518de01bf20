/// CLIP's judgement of the region captions, as in the founding document: candidates are the main
/// caption alone and "caption + region caption" for each captioned region; CLIP scores every candidate
/// against the whole image (softmax over `logitScale · cosine`), and the region captions are chosen by
/// ``DescribeOptions/selection``.
struct CandidateSelection {
    /// Every candidate with its probability, best first (ties in candidate order).
    var candidates: [CandidateScore]
    /// The kept regions' indices, best first: the order of their captions in the final text.
    var kept: [Int]

    /// "caption" + separator + "region caption".
    static func join(_ caption: String, _ regionCaption: String, separator: String) -> String {
        caption + separator + regionCaption
    }

    /// Scores the candidates and sets `score` and `status` of every region in `captioned` (region
    /// indices whose `caption` is set): `kept`, `lostToCaption`, `repeatsCaption` or `beyondTopK`.
    init(caption: String, regions: inout [DescribedRegion], captioned: [Int], imageEmbedding: [Float],
         embedder: any ImageTextEmbedding, sentences: any SentenceEncoding, options: DescribeOptions) throws {
        let texts = [caption] + captioned.map { Self.join(caption, regions[$0].caption ?? "", separator: options.separator) }
        let vectors = try embedder.embed(texts: texts)
        guard vectors.count == texts.count else {
            throw DescribeError.modelOutputCount(role: "image-text embedder", expected: texts.count, got: vectors.count)
        }
        let logits = vectors.map { embedder.logitScale * VectorMath.cosine($0, imageEmbedding) }
        let probabilities = VectorMath.softmax(logits)
        let regionOf: [Int?] = [nil] + captioned.map { Optional($0) }
        candidates = texts.indices
            .sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            .map { CandidateScore(text: texts[$0], probability: probabilities[$0], regionIndex: regionOf[$0]) }
        let captionAlone = probabilities[0]
        for (offset, index) in captioned.enumerated() { regions[index].score = probabilities[offset + 1] }

        // Eligible regions, best first: those beating the caption alone, or (founders) all of them.
        var eligible: [Int] = []
        for index in captioned {
            let beats = (regions[index].score ?? 0) > captionAlone
            if beats || options.selection == .topByScore {
                eligible.append(index)
            } else {
                regions[index].status = .lostToCaption
            }
        }
        let order = Dictionary(uniqueKeysWithValues: captioned.enumerated().map { ($1, $0) })
        eligible.sort { a, b in
            let sa = regions[a].score ?? 0, sb = regions[b].score ?? 0
            return sa != sb ? sa > sb : order[a]! < order[b]!
        }

        // Repeats of the caption (or of a region caption already kept), then the cap K.
        var sentenceVectors: [Int: [Float]] = [:], captionVector: [Float] = []
        if options.repeatSimilarity != nil, !eligible.isEmpty {
            let inputs = [caption] + eligible.map { regions[$0].caption ?? "" }
            let encoded = try sentences.embed(sentences: inputs)
            guard encoded.count == inputs.count else {
                throw DescribeError.modelOutputCount(role: "sentence embedder", expected: inputs.count, got: encoded.count)
            }
            captionVector = encoded[0]
            for (offset, index) in eligible.enumerated() { sentenceVectors[index] = encoded[offset + 1] }
        }
        var kept: [Int] = []
        for index in eligible {
            if let threshold = options.repeatSimilarity, let vector = sentenceVectors[index],
               VectorMath.cosine(vector, captionVector) >= threshold
                || kept.contains(where: { VectorMath.cosine(vector, sentenceVectors[$0]!) >= threshold }) {
                regions[index].status = .repeatsCaption
            } else if kept.count < options.maxKeptRegions {
                regions[index].status = .kept
                kept.append(index)
            } else {
                regions[index].status = (regions[index].score ?? 0) > captionAlone ? .beyondTopK : .lostToCaption
            }
        }
        self.kept = kept
    }

    /// The final text: the caption, then the kept region captions in `kept` order.
    static func text(caption: String, regions: [DescribedRegion], kept: [Int], separator: String) -> String {
        kept.reduce(caption) { join($0, regions[$1].caption ?? "", separator: separator) }
    }
}
