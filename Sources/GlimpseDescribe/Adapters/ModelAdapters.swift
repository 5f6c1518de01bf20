import GlimpseImage
import GlimpseModels
import GlimpseRuntime

// The real models behind the pipeline's protocols: thin wrappers over GlimpseModels' public API.

/// BLIP captioning (`BLIPCaptioner`) as ``ImageCaptioning``.
public struct BLIPImageCaptioner: ImageCaptioning {
    public let captioner: BLIPCaptioner
    /// Decoding settings; `numBeams` is replaced by the `beams` of each call.
    public var generation: BLIPCaptioner.GenerationOptions

    public init(_ captioner: BLIPCaptioner, generation: BLIPCaptioner.GenerationOptions = BLIPCaptioner.GenerationOptions()) {
        self.captioner = captioner
        self.generation = generation
    }

    public func captions(for images: [RGBImage], beams: Int) throws -> [String] {
        guard captioner.tokenizer != nil else {
            throw DescribeError.missingTokenizer(role: "captioner", folder: captioner.directory.path, files: ["vocab.txt"])
        }
        return try captioner.generate(images: images, options: options(beams: beams)).map { $0.text ?? "" }
    }

    /// Every field of the generation options used with `beams`, by name, in declaration order (so a field
    /// added to `GenerationOptions` later is part of it without changes here), except `maxBatchSize`,
    /// which does not change captions.
    public func captionSettings(beams: Int) -> String? {
        "blip " + Mirror(reflecting: options(beams: beams)).children.filter { $0.label != "maxBatchSize" }
            .map { "\($0.label ?? "_")=\(String(reflecting: $0.value))" }.joined(separator: " ")
    }

    private func options(beams: Int) -> BLIPCaptioner.GenerationOptions {
        var options = generation
        options.numBeams = beams
        return options
    }
}

/// SAM's "segment everything" (`SAMSegmenter`) as ``RegionProposing``.
public struct SAMRegionProposer: RegionProposing {
    public let segmenter: SAMSegmenter
    /// The mask generator's settings (point grid, quality thresholds, NMS).
    public var generation: SAMMaskGenerationOptions

    public init(_ segmenter: SAMSegmenter, generation: SAMMaskGenerationOptions = SAMMaskGenerationOptions()) {
        self.segmenter = segmenter
        self.generation = generation
    }

    public func regions(of image: RGBImage) throws -> [ProposedRegion] {
        try segmenter.segment(image, options: generation).map(Self.region)
    }

    /// SAM's inclusive box corners (`x0…x1`, `y0…y1`) as a pixel box.
    static func region(_ mask: SAMGeneratedMask) -> ProposedRegion {
        let box = PixelBox(x: mask.box.x0, y: mask.box.y0, width: mask.box.x1 - mask.box.x0 + 1, height: mask.box.y1 - mask.box.y0 + 1)
        return ProposedRegion(box: box, area: mask.area, stability: mask.stabilityScore, predictedIoU: mask.predictedIoU)
    }
}

/// CLIP (`CLIPModel`) as ``ImageTextEmbedding``. CLIPModel's embeddings are already L2-normalised and its
/// `logitScale` is already `exp(logit_scale)`.
public struct CLIPImageTextEmbedder: ImageTextEmbedding {
    public let model: CLIPModel

    public init(_ model: CLIPModel) {
        self.model = model
    }

    public var logitScale: Float { model.logitScale }

    public func embed(images: [RGBImage]) throws -> [[Float]] {
        guard !images.isEmpty else { return [] }
        return try Self.rows(model.embed(images: images))
    }

    public func embed(texts: [String]) throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        guard model.tokenizer != nil else {
            throw DescribeError.missingTokenizer(role: "image-text embedder", folder: model.directory.path,
                                                 files: ["vocab.json", "merges.txt"])
        }
        return try Self.rows(model.embed(texts: texts))
    }

    /// The rows of a `[rows, width]` tensor.
    static func rows(_ tensor: Tensor) throws -> [[Float]] {
        let values = try tensor.floats()
        guard tensor.shape.count == 2, tensor.shape[0] > 0 else { return [] }
        let width = tensor.shape[1]
        return (0..<tensor.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }
}

/// Sentence embeddings (`SentenceEmbedder`, all-MiniLM-L6-v2) as ``SentenceEncoding``.
public struct MiniLMSentenceEncoder: SentenceEncoding {
    public let embedder: SentenceEmbedder

    public init(_ embedder: SentenceEmbedder) {
        self.embedder = embedder
    }

    public func embed(sentences: [String]) throws -> [[Float]] {
        try embedder.embed(sentences)
    }
}
