import GlimpseImage

extension ImageDescribing {
    /// Describes each picture in quick mode, one after another.
    public func describeQuickly(_ images: [RGBImage]) -> [Result<Description, any Error>] {
        images.map { image in Result { try describe(image, mode: .quick) } }
    }
}

extension DescribePipeline {
    /// Quick descriptions of several pictures from shared model runs: one BLIP beam search over all of
    /// them (their weights are read once a step instead of once per picture: 8 pictures cost about 0.5 s
    /// each instead of 0.75 s), one CLIP batch, one MiniLM batch. Each description is the one
    /// `describe(_:mode:)` writes, but for rounding in the batched runs, and its stage timings are the
    /// batch's divided among the pictures. When a batched run fails, the pictures are described one by
    /// one, so that only the picture at fault gets the error.
    public func describeQuickly(_ images: [RGBImage]) -> [Result<Description, any Error>] {
        guard images.count > 1 else { return images.map { image in Result { try describe(image, mode: .quick) } } }
        do {
            try options.validate()
            guard images.allSatisfy({ $0.width > 0 && $0.height > 0 }) else { throw DescribeError.emptyImage }
            return try describedTogether(images).map { .success($0) }
        } catch {
            return images.map { image in Result { try describe(image, mode: .quick) } }
        }
    }

    private func describedTogether(_ images: [RGBImage]) throws -> [Description] {
        var clock = StageClock()
        let captions = try clock.measure(.caption) { try captioner.captions(for: images, beams: options.captionBeams) }
        guard captions.count == images.count else {
            throw DescribeError.modelOutputCount(role: "captioner", expected: images.count, got: captions.count)
        }
        let cleaned = captions.map(Self.clean)
        let imageEmbeddings = try clock.measure(.imageEmbedding) { try embedder.embed(images: images) }
        guard imageEmbeddings.count == images.count else {
            throw DescribeError.modelOutputCount(role: "image-text embedder", expected: images.count, got: imageEmbeddings.count)
        }
        let found = clock.measure(.keywords) { cleaned.map { keywords.keywords(in: $0) } }
        let textEmbeddings = try clock.measure(.textEmbedding) { try sentences.embed(sentences: cleaned) }
        guard textEmbeddings.count == images.count else {
            throw DescribeError.modelOutputCount(role: "sentence embedder", expected: images.count, got: textEmbeddings.count)
        }
        let share = clock.timings.map { StageTiming(stage: $0.stage, seconds: $0.seconds / Double(images.count)) }
        return images.indices.map { index in
            Description(
                mode: .quick, imageSize: PixelSize(width: images[index].width, height: images[index].height), caption: cleaned[index],
                text: cleaned[index], keywords: found[index].words, compounds: found[index].compounds,
                embeddings: DescriptionEmbeddings(image: VectorMath.normalized(imageEmbeddings[index]),
                                                  text: VectorMath.normalized(textEmbeddings[index])),
                models: models.filter { $0.role != .segmenter }, timings: share, captionSettings: mainCaptionSettings)
        }
    }
}
