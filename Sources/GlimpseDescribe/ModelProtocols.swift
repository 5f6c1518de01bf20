import GlimpseImage

// The models the describe pipeline and search use, as protocols: the real adapters wrap GlimpseModels'
// BLIPCaptioner, SAMSegmenter, CLIPModel and SentenceEmbedder; tests use fakes.

/// Writes captions for pictures (BLIP).
public protocol ImageCaptioning: Sendable {
    /// One caption per image. `beams == 1` is greedy decoding.
    func captions(for images: [RGBImage], beams: Int) throws -> [String]
    /// Everything besides the image and the weights that decides a caption made with `beams` (the decoding
    /// settings), as a string that is equal exactly when the settings are; nil when the captioner cannot
    /// say, and then its captions are never reused (see `ImageDescribing.describe(_:mode:reusing:)`).
    func captionSettings(beams: Int) -> String?
}

extension ImageCaptioning {
    public func captionSettings(beams: Int) -> String? { nil }
}

/// Proposes the regions of a picture ("segment everything", SAM).
public protocol RegionProposing: Sendable {
    /// Candidate regions of `image`, in no particular order.
    func regions(of image: RGBImage) throws -> [ProposedRegion]
}

/// A region proposed by the segmenter: its bounding box, mask area and quality scores.
public struct ProposedRegion: Sendable, Hashable {
    public var box: PixelBox
    /// Pixels in the mask.
    public var area: Int
    public var stability: Float
    public var predictedIoU: Float
    public init(box: PixelBox, area: Int, stability: Float, predictedIoU: Float) {
        self.box = box
        self.area = area
        self.stability = stability
        self.predictedIoU = predictedIoU
    }
}

/// Embeds pictures and texts in one space (CLIP). Vectors are unit length.
public protocol ImageTextEmbedding: Sendable {
    func embed(images: [RGBImage]) throws -> [[Float]]
    func embed(texts: [String]) throws -> [[Float]]
    /// The factor that turns cosine similarities into logits (CLIP's `exp(logit_scale)`).
    var logitScale: Float { get }
}

/// Embeds sentences for semantic similarity (MiniLM). Vectors are unit length.
public protocol SentenceEncoding: Sendable {
    func embed(sentences: [String]) throws -> [[Float]]
}

/// Describes one picture: the describe pipeline, as the indexer sees it.
public protocol ImageDescribing: Sendable {
    /// The description of `image`, in `mode` (quick: caption and CLIP embedding; full: the whole method).
    func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description
    /// The same, where `previous` is an earlier description of the same picture (the quick pass that a
    /// full pass enriches): a describer may reuse the parts of it that it would compute identically.
    func describe(_ image: RGBImage, mode: DescribeMode, reusing previous: Description?) throws -> Description
    /// Quick descriptions of several pictures, each its own result in order: a describer may share model
    /// runs among them (`DescribePipeline` does); one picture's error is not the others'.
    func describeQuickly(_ images: [RGBImage]) -> [Result<Description, any Error>]
}

extension ImageDescribing {
    /// Reuses nothing.
    public func describe(_ image: RGBImage, mode: DescribeMode, reusing previous: Description?) throws -> Description {
        try describe(image, mode: mode)
    }
}
