import Foundation
import GlimpseImage

/// The detailed description of one image: what the describe pipeline writes and the index stores.
///
/// Encoded as JSON (`glimpse describe --json`, the index's archive column) with the schema version in
/// `schemaVersion`; docs/description-schema.md documents every field. Version 1.
public struct Description: Sendable, Hashable, Codable {
    /// The version of this structure's JSON schema.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// `quick` (CLIP embedding and main caption) or `full` (regions, selection, keywords of all of it).
    public var mode: DescribeMode
    /// The image's width and height in pixels, after EXIF orientation.
    public var imageSize: PixelSize
    /// The whole-image caption.
    public var caption: String
    /// Every region considered, kept or not, largest first.
    public var regions: [DescribedRegion]
    /// CLIP's ranking of the candidate texts against the whole image, best first.
    public var candidates: [CandidateScore]
    /// The final description: the caption followed by the kept region captions.
    public var text: String
    /// Keywords of `text` (lemmatised words and compound keywords).
    public var keywords: [String]
    public var compounds: [String]
    /// Embeddings to store for search.
    public var embeddings: DescriptionEmbeddings
    /// The models that wrote this description.
    public var models: [ModelStamp]
    /// Seconds spent in each stage, in pipeline order (stage names: ``DescribeStage``).
    public var timings: [StageTiming]
    /// What the full pipeline counted (proposals, small segments, BLIP calls made and saved, pruned
    /// words); nil in quick mode and in descriptions written before it existed. Added in schema 1
    /// as an optional field, so older documents still decode.
    public var statistics: DescribeStatistics?
    /// The captioner's decoding settings for `caption` (`ImageCaptioning.captionSettings(beams:)`), so that a
    /// later full pass can tell whether it would write the same caption; nil when the captioner cannot
    /// say and in descriptions written before it existed (optional field of schema 1).
    public var captionSettings: String?

    public init(
        mode: DescribeMode, imageSize: PixelSize, caption: String, regions: [DescribedRegion] = [],
        candidates: [CandidateScore] = [], text: String, keywords: [String] = [], compounds: [String] = [],
        embeddings: DescriptionEmbeddings = DescriptionEmbeddings(), models: [ModelStamp] = [],
        timings: [StageTiming] = [], statistics: DescribeStatistics? = nil, captionSettings: String? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.mode = mode
        self.imageSize = imageSize
        self.caption = caption
        self.regions = regions
        self.candidates = candidates
        self.text = text
        self.keywords = keywords
        self.compounds = compounds
        self.embeddings = embeddings
        self.models = models
        self.timings = timings
        self.statistics = statistics
        self.captionSettings = captionSettings
    }

    /// The regions whose captions made it into `text`, in the order they appear there (best CLIP
    /// score first; ties in region order).
    public var keptRegions: [DescribedRegion] {
        regions.enumerated().filter { $0.element.status == .kept }
            .sorted { a, b in
                let sa = a.element.score ?? 0, sb = b.element.score ?? 0
                return sa != sb ? sa > sb : a.offset < b.offset
            }
            .map(\.element)
    }
}

/// Counts the full pipeline reports about its work.
public struct DescribeStatistics: Sendable, Hashable, Codable {
    /// Segments the segmenter proposed.
    public var proposedRegions: Int
    /// Proposals below the area threshold (`image area / areaPartition`); not listed in `regions`.
    public var smallRegions: Int
    /// Crops captioned by BLIP (one batch).
    public var regionCaptions: Int
    /// Crops not captioned because CLIP found them duplicate or adding nothing beyond the whole image.
    public var blipCallsSaved: Int
    /// Words deleted by word pruning, in order; empty when pruning is off.
    public var prunedWords: [String]
    /// True when the main caption was taken from an earlier description of the picture (a quick pass
    /// made with the same captioner and settings) instead of being computed again; nil otherwise.
    public var captionReused: Bool?

    public init(proposedRegions: Int = 0, smallRegions: Int = 0, regionCaptions: Int = 0, blipCallsSaved: Int = 0,
                prunedWords: [String] = [], captionReused: Bool? = nil) {
        self.proposedRegions = proposedRegions
        self.smallRegions = smallRegions
        self.regionCaptions = regionCaptions
        self.blipCallsSaved = blipCallsSaved
        self.prunedWords = prunedWords
        self.captionReused = captionReused
    }
}

/// How much of the pipeline ran.
public enum DescribeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// CLIP embedding and main caption only; no segmentation.
    case quick
    /// The whole method: regions, region captions, CLIP selection, keywords.
    case full
}

/// An axis-aligned box in image pixels: `x`, `y` of the top-left corner, `width`, `height`.
public struct PixelBox: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var area: Int { width * height }
}

/// One region of the image (a SAM segment's bounding box) and what became of it.
public struct DescribedRegion: Sendable, Hashable, Codable {
    /// The segment's bounding box (before the context margin).
    public var box: PixelBox
    /// The segment's mask area in pixels.
    public var area: Int
    /// SAM's stability score of the segment.
    public var stability: Float
    /// The region's caption; nil when BLIP was not asked (the crop was skipped).
    public var caption: String?
    /// CLIP's probability of "caption + region caption" among the candidates; nil when not scored.
    public var score: Float?
    /// Whether the region caption is in the final text, and if not, why.
    public var status: RegionStatus
    /// CLIP embedding of the crop (unit length), stored for region-level search; empty when not kept.
    public var embedding: [Float]

    public init(box: PixelBox, area: Int, stability: Float, caption: String? = nil, score: Float? = nil,
                status: RegionStatus, embedding: [Float] = []) {
        self.box = box
        self.area = area
        self.stability = stability
        self.caption = caption
        self.score = score
        self.status = status
        self.embedding = embedding
    }
}

/// Why a region's caption is or is not part of the description.
public enum RegionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case kept
    /// Its box nearly equals a larger region's box (IoU at or above the merge threshold).
    case mergedDuplicate
    /// Beyond the cap on the number of regions.
    case overCap
    /// Its crop's CLIP embedding nearly equals another crop's: BLIP was not asked.
    case duplicateCrop
    /// Its crop's CLIP embedding nearly equals the whole image's: BLIP was not asked.
    case nothingBeyondImage
    /// "caption + region caption" did not beat the caption alone.
    case lostToCaption
    /// Its caption repeats what the main caption (or a region caption kept before it) already says
    /// (sentence similarity).
    case repeatsCaption
    /// It beat the caption but was not among the best K.
    case beyondTopK
}

/// One candidate text and CLIP's probability for it against the whole image.
public struct CandidateScore: Sendable, Hashable, Codable {
    public var text: String
    /// Softmax probability over all candidates, 0...1.
    public var probability: Float
    /// Index into `Description.regions` of the region whose caption was appended; nil for the caption alone.
    public var regionIndex: Int?
    public init(text: String, probability: Float, regionIndex: Int?) {
        self.text = text
        self.probability = probability
        self.regionIndex = regionIndex
    }
}

/// The embeddings of a description. Vectors are unit length; empty when not computed.
public struct DescriptionEmbeddings: Sendable, Hashable, Codable {
    /// CLIP image embedding of the whole image.
    public var image: [Float]
    /// Sentence embedding (MiniLM) of the final text.
    public var text: [Float]
    public init(image: [Float] = [], text: [Float] = []) {
        self.image = image
        self.text = text
    }
}

/// Which model did a job: its role, its identifier (hub repository or folder name) and its revision.
public struct ModelStamp: Sendable, Hashable, Codable {
    public var role: ModelRole
    public var identifier: String
    /// Commit or content hash of the weights; nil when unknown.
    public var revision: String?
    public init(role: ModelRole, identifier: String, revision: String? = nil) {
        self.role = role
        self.identifier = identifier
        self.revision = revision
    }
}

/// The jobs a model does in the pipeline.
public enum ModelRole: String, Sendable, Hashable, Codable, CaseIterable {
    case captioner, segmenter, imageTextEmbedder, sentenceEmbedder
}

/// Time spent in one pipeline stage.
public struct StageTiming: Sendable, Hashable, Codable {
    public var stage: String
    public var seconds: Double
    public init(stage: String, seconds: Double) {
        self.stage = stage
        self.seconds = seconds
    }
}

extension PixelSize: Codable {
    enum CodingKeys: String, CodingKey { case width, height }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(width: try container.decode(Int.self, forKey: .width), height: try container.decode(Int.self, forKey: .height))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
    }
}
