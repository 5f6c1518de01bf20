/// Every knob of the describe pipeline, with the defaults of issue #9.
///
/// ```swift
/// var options = DescribeOptions()           // Glimpse's defaults
/// options.maxKeptRegions = 5
/// let founders = DescribeOptions.seedCompatible  // the founding document's choices
/// ```
public struct DescribeOptions: Sendable, Hashable, Codable {
    /// How the region captions that beat the main caption are chosen.
    public enum SelectionRule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Keep the region captions whose candidate beats the caption alone, best first, at most
        /// ``DescribeOptions/maxKeptRegions``.
        case beatsCaption
        /// The founders' choice: the ``DescribeOptions/maxKeptRegions`` best region candidates by CLIP
        /// probability, whether or not they beat the caption alone.
        case topByScore
    }

    // MARK: Captions

    /// Beams of the main caption's beam search (3); 1 is greedy.
    public var captionBeams: Int = 3
    /// Beams for the region captions (1: greedy, as the issue asks).
    public var regionCaptionBeams: Int = 1

    // MARK: Regions

    /// A segment is a region when its mask area is at least `image area / areaPartition` (64).
    public var areaPartition: Int = 64
    /// A box whose IoU with a larger (earlier) region's box is at least this is a duplicate (0.8).
    public var mergeIoU: Double = 0.8
    /// At most this many regions go on to cropping, largest and most stable first (12).
    public var maxRegions: Int = 12
    /// Context added around a box before cropping, as a fraction of the box's width and height on
    /// each side (0.1); the grown box is clipped to the image.
    public var cropMargin: Double = 0.1

    // MARK: Crop screening (CLIP before BLIP)

    /// A crop whose CLIP embedding has at least this cosine similarity with an earlier crop that is
    /// captioned is not captioned (`duplicateCrop`); nil turns the check off (0.95).
    public var duplicateCropSimilarity: Float? = 0.95
    /// A crop whose CLIP embedding has at least this cosine similarity with the whole image's adds
    /// nothing and is not captioned (`nothingBeyondImage`); nil turns the check off (0.95).
    public var wholeImageSimilarity: Float? = 0.95

    // MARK: Selection

    /// How region captions are chosen (``SelectionRule/beatsCaption``).
    public var selection: SelectionRule = .beatsCaption
    /// K: at most this many region captions join the description (3).
    public var maxKeptRegions: Int = 3
    /// A region caption whose MiniLM cosine similarity with the main caption (or with a region caption
    /// already kept) is at least this repeats it and is dropped (`repeatsCaption`); nil turns the check
    /// off (0.8).
    public var repeatSimilarity: Float? = 0.8
    /// Put between the main caption and each region caption, in CLIP's candidates and in the final
    /// text (". ").
    public var separator: String = ". "

    // MARK: Word pruning

    /// Delete single words while CLIP prefers the shorter text (false: the founders found it
    /// unreliable). A deletion that would split (or create) a compound keyword is never made.
    public var pruneWords: Bool = false
    /// The most words pruning may delete (8).
    public var maxPrunedWords: Int = 8

    public init() {}

    /// The founders' choices: the two best region captions by CLIP probability, no repeat check, no
    /// crop skipping, captions joined by a space. Everything else as ``init()``.
    /// SAM's prompt grid for finding this pipeline's regions: `⌈2·√areaPartition⌉` points per side (16
    /// at the default 64), so that a square region just large enough to keep holds 2 × 2 prompts. SAM's
    /// own default, 32, also finds the smaller segments the pipeline discards, at 4 times the decoder work.
    public var regionPointsPerSide: Int { Int((2 * Double(max(areaPartition, 1)).squareRoot()).rounded(.up)) }

    public static var seedCompatible: DescribeOptions {
        var options = DescribeOptions()
        options.selection = .topByScore
        options.maxKeptRegions = 2
        options.repeatSimilarity = nil
        options.duplicateCropSimilarity = nil
        options.wholeImageSimilarity = nil
        options.separator = " "
        return options
    }

    /// Throws ``DescribeError/invalidOption(_:_:)`` for a value the pipeline cannot use.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ reason: String) throws {
            if !ok { throw DescribeError.invalidOption(name, reason) }
        }
        try check(captionBeams >= 1, "captionBeams", "must be at least 1, got \(captionBeams)")
        try check(regionCaptionBeams >= 1, "regionCaptionBeams", "must be at least 1, got \(regionCaptionBeams)")
        try check(areaPartition >= 1, "areaPartition", "must be at least 1, got \(areaPartition)")
        try check(mergeIoU > 0 && mergeIoU <= 1, "mergeIoU", "must be in (0, 1], got \(mergeIoU)")
        try check(maxRegions >= 0, "maxRegions", "must not be negative, got \(maxRegions)")
        try check(cropMargin >= 0 && cropMargin.isFinite, "cropMargin", "must be 0 or more, got \(cropMargin)")
        try check(maxKeptRegions >= 0, "maxKeptRegions", "must not be negative, got \(maxKeptRegions)")
        try check(maxPrunedWords >= 0, "maxPrunedWords", "must not be negative, got \(maxPrunedWords)")
        for (name, value) in [("duplicateCropSimilarity", duplicateCropSimilarity), ("wholeImageSimilarity", wholeImageSimilarity),
                              ("repeatSimilarity", repeatSimilarity)] {
            if let value { try check(value.isFinite && value >= -1 && value <= 1, name, "must be a cosine in [-1, 1] or off, got \(value)") }
        }
    }
}
