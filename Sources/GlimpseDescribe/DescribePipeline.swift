import GlimpseImage
import GlimpseText

/// The detailed-description method of DESIGN.md, over model protocols (so it runs with fakes in tests).
///
/// Full mode: main caption (beam search) → regions (SAM boxes above the area threshold, duplicates
/// merged, capped) → CLIP embeddings of the crops and the whole image → crops that duplicate another
/// crop or add nothing beyond the image are skipped → one greedy BLIP batch for the other crops → CLIP
/// ranks "caption" and "caption + region caption" against the image and the region captions are chosen
/// → optional word pruning → keywords → MiniLM embedding of the final text. Quick mode: caption, CLIP
/// image embedding, keywords and MiniLM embedding of the caption.
///
/// ```swift
/// let pipeline = DescribePipeline(captioner: blip, segmenter: sam, embedder: clip, sentences: minilm,
///                                 keywords: extractor)
/// let description = try pipeline.describe(image, mode: .full)
/// ```
public struct DescribePipeline: ImageDescribing {
    public var captioner: any ImageCaptioning
    /// nil when only quick mode is needed; full mode then throws ``DescribeError/noSegmenter``.
    public var segmenter: (any RegionProposing)?
    public var embedder: any ImageTextEmbedding
    public var sentences: any SentenceEncoding
    public var keywords: any KeywordExtracting
    public var options: DescribeOptions
    /// The models' identities, written into every description (only the roles a mode uses).
    public var models: [ModelStamp]

    public init(captioner: any ImageCaptioning, segmenter: (any RegionProposing)?, embedder: any ImageTextEmbedding,
                sentences: any SentenceEncoding, keywords: any KeywordExtracting, options: DescribeOptions = DescribeOptions(),
                models: [ModelStamp] = []) {
        self.captioner = captioner
        self.segmenter = segmenter
        self.embedder = embedder
        self.sentences = sentences
        self.keywords = keywords
        self.options = options
        self.models = models
    }

    public func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
        try describe(image, mode: mode, reusing: nil)
    }

    /// Describes `image`; in full mode the main caption is taken from `previous` (an earlier description
    /// of the same picture, such as the quick pass a full pass enriches) when it would come out the same:
    /// same captioner stamp, same decoding settings (`ImageCaptioning.captionSettings(beams:)`, never
    /// nil), same image size. `statistics.captionReused` then says so. Everything else is computed again.
    public func describe(_ image: RGBImage, mode: DescribeMode, reusing previous: Description?) throws -> Description {
        try options.validate()
        guard image.width > 0, image.height > 0 else { throw DescribeError.emptyImage }
        switch mode {
        case .quick: return try describeQuickly(image)
        case .full: return try describeFully(image, reusableCaption: previous.flatMap { reusableCaption(from: $0, for: image) })
        }
    }

    /// The captioner's settings for the main caption.
    var mainCaptionSettings: String? { captioner.captionSettings(beams: options.captionBeams) }

    /// `previous.caption` when this pipeline would write the same caption for `image`, else nil.
    func reusableCaption(from previous: Description, for image: RGBImage) -> String? {
        guard let settings = mainCaptionSettings, previous.captionSettings == settings,
              previous.imageSize == PixelSize(width: image.width, height: image.height),
              let stamp = models.first(where: { $0.role == .captioner }),
              previous.models.first(where: { $0.role == .captioner }) == stamp,
              !previous.caption.isEmpty
        else { return nil }
        return previous.caption
    }

    // MARK: Quick mode

    private func describeQuickly(_ image: RGBImage) throws -> Description {
        var clock = StageClock()
        let caption = try clock.measure(.caption) { try mainCaption(image) }
        let imageEmbedding = try clock.measure(.imageEmbedding) { () throws -> [Float] in
            let vectors = try embedder.embed(images: [image])
            guard vectors.count == 1 else { throw DescribeError.modelOutputCount(role: "image-text embedder", expected: 1, got: vectors.count) }
            return VectorMath.normalized(vectors[0])
        }
        let found = clock.measure(.keywords) { keywords.keywords(in: caption) }
        let textEmbedding = try clock.measure(.textEmbedding) { try sentenceEmbedding(caption) }
        return Description(
            mode: .quick, imageSize: PixelSize(width: image.width, height: image.height), caption: caption, text: caption,
            keywords: found.words, compounds: found.compounds,
            embeddings: DescriptionEmbeddings(image: imageEmbedding, text: textEmbedding),
            models: models.filter { $0.role != .segmenter }, timings: clock.timings, captionSettings: mainCaptionSettings)
    }

    // MARK: Full mode

    private func describeFully(_ image: RGBImage, reusableCaption: String?) throws -> Description {
        guard let segmenter else { throw DescribeError.noSegmenter }
        let size = PixelSize(width: image.width, height: image.height)
        var clock = StageClock()
        let caption = try clock.measure(.caption) { try reusableCaption ?? mainCaption(image) }
        let proposals = try clock.measure(.segmentation) { try segmenter.regions(of: image) }
        let plan = clock.measure(.regions) { RegionPlan(proposals: proposals, imageSize: size, options: options) }
        var regions = plan.regions
        let screening = try clock.measure(.cropScreening) {
            try CropScreening(image: image, regions: &regions, active: plan.active, embedder: embedder, options: options)
        }
        try clock.measure(.regionCaptions) {
            let crops = screening.toCaption.map { screening.crops[$0]! }
            guard !crops.isEmpty else { return }
            let texts = try captioner.captions(for: crops, beams: options.regionCaptionBeams)
            guard texts.count == crops.count else {
                throw DescribeError.modelOutputCount(role: "captioner", expected: crops.count, got: texts.count)
            }
            for (index, text) in zip(screening.toCaption, texts) { regions[index].caption = Self.clean(text) }
        }
        let selection = try clock.measure(.selection) {
            try CandidateSelection(caption: caption, regions: &regions, captioned: screening.toCaption,
                                   imageEmbedding: screening.imageEmbedding, embedder: embedder, sentences: sentences,
                                   options: options)
        }
        var text = CandidateSelection.text(caption: caption, regions: regions, kept: selection.kept, separator: options.separator)
        var pruned: [String] = []
        if options.pruneWords {
            let pruning = try clock.measure(.pruning) {
                try WordPruning(text: text, imageEmbedding: screening.imageEmbedding, embedder: embedder, keywords: keywords,
                                maxDeletions: options.maxPrunedWords)
            }
            text = pruning.text
            pruned = pruning.deleted
        }
        for index in selection.kept { regions[index].embedding = screening.embeddings[index] ?? [] }
        let found = clock.measure(.keywords) { keywords.keywords(in: text) }
        let textEmbedding = try clock.measure(.textEmbedding) { try sentenceEmbedding(text) }
        let statistics = DescribeStatistics(
            proposedRegions: proposals.count, smallRegions: plan.smallCount, regionCaptions: screening.toCaption.count,
            blipCallsSaved: screening.skipped, prunedWords: pruned, captionReused: reusableCaption == nil ? nil : true)
        return Description(
            mode: .full, imageSize: size, caption: caption, regions: regions, candidates: selection.candidates, text: text,
            keywords: found.words, compounds: found.compounds,
            embeddings: DescriptionEmbeddings(image: screening.imageEmbedding, text: textEmbedding),
            models: models, timings: clock.timings, statistics: statistics, captionSettings: mainCaptionSettings)
    }

    // MARK: Steps shared by both modes

    private func mainCaption(_ image: RGBImage) throws -> String {
        let texts = try captioner.captions(for: [image], beams: options.captionBeams)
        guard texts.count == 1 else { throw DescribeError.modelOutputCount(role: "captioner", expected: 1, got: texts.count) }
        return Self.clean(texts[0])
    }

    private func sentenceEmbedding(_ text: String) throws -> [Float] {
        let vectors = try sentences.embed(sentences: [text])
        guard vectors.count == 1 else { throw DescribeError.modelOutputCount(role: "sentence embedder", expected: 1, got: vectors.count) }
        return VectorMath.normalized(vectors[0])
    }

    /// A caption with its whitespace collapsed and trimmed.
    static func clean(_ caption: String) -> String {
        caption.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
