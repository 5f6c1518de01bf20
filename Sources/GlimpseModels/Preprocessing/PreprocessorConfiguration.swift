import Foundation

/// The image processors of transformers 4.46.3 that Glimpse reproduces.
public enum ImageProcessorKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// `CLIPImageProcessor`: resize the shortest edge, center-crop, normalize with the OpenAI CLIP stats.
    case clip = "CLIPImageProcessor"
    /// `BlipImageProcessor`: resize to a square, normalize with the OpenAI CLIP stats.
    case blip = "BlipImageProcessor"
    /// `SamImageProcessor`: resize the longest edge, normalize with the ImageNet stats, pad bottom-right.
    case sam = "SamImageProcessor"

    /// The kind for an `image_processor_type` or `feature_extractor_type` name (`CLIPFeatureExtractor` is
    /// the old name of `CLIPImageProcessor`).
    public init?(typeName: String) {
        let name = typeName.replacingOccurrences(of: "FeatureExtractor", with: "ImageProcessor")
        guard let kind = ImageProcessorKind(rawValue: name) else { return nil }
        self = kind
    }

    /// What a bare integer `size` means: `get_size_dict(size, default_to_square=False)` for CLIP,
    /// `default_to_square=True` for BLIP, `get_size_dict(max_size=size)` for SAM.
    var sizeIntegerMeaning: ImageSizeSpec.IntegerMeaning {
        switch self {
        case .clip: .shortestEdge
        case .blip: .square
        case .sam: .longestEdge
        }
    }

    /// The processor a model family uses, as `AutoImageProcessor` picks it from `config.json`.
    public init?(modelType: ModelType) {
        switch modelType {
        case .clip: self = .clip
        case .blip: self = .blip
        case .sam: self = .sam
        case .bert: return nil
        }
    }
}

/// A `preprocessor_config.json`, with transformers' defaults for its image processor filled in.
///
/// The processor turns an RGB image into `pixel_values` `[batch, 3, height, width]`: convert to RGB,
/// resize to `size` with `resample`, center-crop to `cropSize` (CLIP), multiply by `rescaleFactor`,
/// normalize with `imageMean`/`imageStd` per channel, pad bottom-right to `padSize` (SAM).
///
/// Fields a processor does not have are neutral whatever the file says: `doCenterCrop` is `false` and
/// `cropSize` `nil` except for CLIP; `doPad` is `false` and the pad and mask sizes `nil` except for SAM.
public struct PreprocessorConfiguration: HubConfigurationFile, Codable, Hashable {
    public static let defaultFileName = "preprocessor_config.json"

    public var kind: ImageProcessorKind
    public var doResize: Bool
    public var size: ImageSizeSpec
    public var resample: Resampling
    public var doCenterCrop: Bool
    public var cropSize: ImageSizeSpec?
    public var doRescale: Bool
    public var rescaleFactor: Double
    public var doNormalize: Bool
    /// Per-channel mean, RGB order (`[0.48145466, 0.4578275, 0.40821073]` for CLIP and BLIP).
    public var imageMean: [Double]
    /// Per-channel standard deviation, RGB order.
    public var imageStd: [Double]
    public var doPad: Bool
    /// Size images are padded to (SAM: 1024×1024).
    public var padSize: ImageSizeSpec?
    /// Size of mask inputs (SAM: longest edge 256).
    public var maskSize: ImageSizeSpec?
    /// Size mask inputs are padded to (SAM: 256×256).
    public var maskPadSize: ImageSizeSpec?
    public var doConvertRGB: Bool

    /// transformers' `OPENAI_CLIP_MEAN` / `OPENAI_CLIP_STD`.
    public static let openAICLIPMean = [0.48145466, 0.4578275, 0.40821073]
    public static let openAICLIPStd = [0.26862954, 0.26130258, 0.27577711]
    /// transformers' `IMAGENET_DEFAULT_MEAN` / `IMAGENET_DEFAULT_STD`.
    public static let imageNetMean = [0.485, 0.456, 0.406]
    public static let imageNetStd = [0.229, 0.224, 0.225]

    /// The processor's defaults (what an otherwise empty file gives).
    public init(defaultsFor kind: ImageProcessorKind) {
        self.kind = kind
        doResize = true
        doRescale = true
        rescaleFactor = 1.0 / 255.0
        doNormalize = true
        doConvertRGB = true
        doCenterCrop = false
        cropSize = nil
        doPad = false
        padSize = nil
        maskSize = nil
        maskPadSize = nil
        switch kind {
        case .clip:
            size = .shortestEdge(224)
            resample = .bicubic
            doCenterCrop = true
            cropSize = .exact(height: 224, width: 224)
            imageMean = Self.openAICLIPMean
            imageStd = Self.openAICLIPStd
        case .blip:
            size = .exact(height: 384, width: 384)
            resample = .bicubic
            imageMean = Self.openAICLIPMean
            imageStd = Self.openAICLIPStd
        case .sam:
            size = .longestEdge(1024)
            resample = .bilinear
            imageMean = Self.imageNetMean
            imageStd = Self.imageNetStd
            doPad = true
            padSize = .exact(height: 1024, width: 1024)
            maskSize = .longestEdge(256)
            maskPadSize = .exact(height: 256, width: 256)
        }
    }

    /// Decodes `data`; when the file names no image processor, `modelTypeHint` chooses the defaults.
    public init(jsonData data: Data, file: String = Self.defaultFileName, modelTypeHint: ModelType?) throws {
        self = try ConfigurationJSON.decode(Self.self, from: data, file: file, modelTypeHint: modelTypeHint)
    }

    enum CodingKeys: String, CodingKey {
        case imageProcessorType = "image_processor_type"
        case featureExtractorType = "feature_extractor_type"
        case doResize = "do_resize"
        case size
        case resample
        case doCenterCrop = "do_center_crop"
        case cropSize = "crop_size"
        case doRescale = "do_rescale"
        case rescaleFactor = "rescale_factor"
        case doNormalize = "do_normalize"
        case imageMean = "image_mean"
        case imageStd = "image_std"
        case doPad = "do_pad"
        case padSize = "pad_size"
        case maskSize = "mask_size"
        case maskPadSize = "mask_pad_size"
        case doConvertRGB = "do_convert_rgb"
    }

    /// Picks the processor from `image_processor_type`, then `feature_extractor_type`, then the
    /// `glimpseModelTypeHint` in `userInfo` (the family in `config.json`), as `AutoImageProcessor` does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try Self.kind(in: c, hint: decoder.userInfo[.glimpseModelTypeHint] as? ModelType)
        let d = PreprocessorConfiguration(defaultsFor: kind)
        self = d
        doResize = try c.value(.doResize, or: d.doResize)
        size = try c.imageSize(.size, integer: kind.sizeIntegerMeaning, or: d.size)
        resample = try c.value(.resample, or: d.resample)
        doRescale = try c.value(.doRescale, or: d.doRescale)
        rescaleFactor = try c.value(.rescaleFactor, or: d.rescaleFactor)
        doNormalize = try c.value(.doNormalize, or: d.doNormalize)
        imageMean = try c.channelValues(.imageMean, or: d.imageMean)
        imageStd = try c.channelValues(.imageStd, or: d.imageStd)
        doConvertRGB = try c.value(.doConvertRGB, or: d.doConvertRGB)
        if kind == .clip, let defaultCrop = d.cropSize {
            doCenterCrop = try c.value(.doCenterCrop, or: d.doCenterCrop)
            cropSize = try c.imageSize(.cropSize, integer: .square, or: defaultCrop)
        }
        if kind == .sam, let pad = d.padSize, let mask = d.maskSize, let maskPad = d.maskPadSize {
            doPad = try c.value(.doPad, or: d.doPad)
            padSize = try c.imageSize(.padSize, integer: .square, or: pad)
            maskSize = try c.imageSize(.maskSize, integer: .longestEdge, or: mask)
            maskPadSize = try c.imageSize(.maskPadSize, integer: .square, or: maskPad)
        }
    }

    private static func kind(in c: KeyedDecodingContainer<CodingKeys>, hint: ModelType?) throws -> ImageProcessorKind {
        for key in [CodingKeys.imageProcessorType, .featureExtractorType] {
            guard let name = try c.decodeIfPresent(String.self, forKey: key) else { continue }
            guard let kind = ImageProcessorKind(typeName: name) else {
                let known = ImageProcessorKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "\"\(name)\" is not supported; Glimpse knows \(known)")
            }
            return kind
        }
        if let hint, let kind = ImageProcessorKind(modelType: hint) {
            return kind
        }
        throw DecodingError.dataCorruptedError(
            forKey: CodingKeys.imageProcessorType, in: c,
            debugDescription: "the file names no image processor and no config.json model_type says which; "
                + "add \"image_processor_type\": \"CLIPImageProcessor\", \"BlipImageProcessor\" or \"SamImageProcessor\"")
    }

    /// Writes the normalized form transformers' `to_dict()` gives (size fields as dictionaries).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .imageProcessorType)
        try c.encode(doResize, forKey: .doResize)
        try c.encode(size, forKey: .size)
        try c.encode(resample, forKey: .resample)
        if kind == .clip {
            try c.encode(doCenterCrop, forKey: .doCenterCrop)
            try c.encodeIfPresent(cropSize, forKey: .cropSize)
        }
        try c.encode(doRescale, forKey: .doRescale)
        try c.encode(rescaleFactor, forKey: .rescaleFactor)
        try c.encode(doNormalize, forKey: .doNormalize)
        try c.encode(imageMean, forKey: .imageMean)
        try c.encode(imageStd, forKey: .imageStd)
        if kind == .sam {
            try c.encode(doPad, forKey: .doPad)
            try c.encodeIfPresent(padSize, forKey: .padSize)
            try c.encodeIfPresent(maskSize, forKey: .maskSize)
            try c.encodeIfPresent(maskPadSize, forKey: .maskPadSize)
        }
        try c.encode(doConvertRGB, forKey: .doConvertRGB)
    }
}

/// PIL's resampling filters, by the integer `resample` holds in `preprocessor_config.json`.
public enum Resampling: Int, Sendable, Hashable, CaseIterable, Codable {
    case nearest = 0
    case lanczos = 1
    case bilinear = 2
    case bicubic = 3
    case box = 4
    case hamming = 5

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Int.self)
        guard let filter = Resampling(rawValue: value) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(value) is not a PIL filter (0 nearest … 5 hamming)")
        }
        self = filter
    }
}
