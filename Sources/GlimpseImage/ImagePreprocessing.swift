/// What a model's image processor does to a picture, in the order transformers applies it:
/// resize → centre crop → rescale → normalise → pad. A plain description, so that model
/// configurations (`preprocessor_config.json`) can build one without GlimpseImage knowing their types.
public struct ImagePreprocessing: Sendable, Equatable {
    /// How the picture is resized before cropping.
    public enum Resize: Sendable, Equatable {
        /// Keep the size.
        case none
        /// To exactly this size, ignoring the aspect ratio (`{"height": 384, "width": 384}`).
        case exact(PixelSize)
        /// Shortest side to this length, the other side `Int(length · long / short)` (`{"shortest_edge": 224}`).
        case shortestEdge(Int)
        /// Longest side to this length, the other side rounded half up (`{"longest_edge": 1024}`, SAM).
        case longestEdge(Int)

        /// The resize a transformers `size` dictionary asks for: `shortest_edge`, `longest_edge`, or
        /// `height` + `width`; nil for other shapes.
        public init?(huggingFaceSize size: [String: Int]) {
            if let edge = size["shortest_edge"] {
                self = .shortestEdge(edge)
            } else if let edge = size["longest_edge"] {
                self = .longestEdge(edge)
            } else if let height = size["height"], let width = size["width"] {
                self = .exact(PixelSize(width: width, height: height))
            } else {
                return nil
            }
        }
    }

    public var resize: Resize
    public var resample: ResamplingFilter
    /// Centre crop to this size (zero pixels fill any part outside a smaller image).
    public var centerCrop: PixelSize?
    /// Multiply the 8-bit values by this factor (computed in double precision, stored as Float32).
    public var rescaleFactor: Double?
    /// Per-channel mean and standard deviation; nil skips normalisation.
    public var mean: [Float]?
    public var std: [Float]?
    /// Pad bottom and right with zeros (after normalisation) to this size.
    public var padTo: PixelSize?

    public init(resize: Resize, resample: ResamplingFilter = .bicubic, centerCrop: PixelSize? = nil,
                rescaleFactor: Double? = 1.0 / 255.0, mean: [Float]? = nil, std: [Float]? = nil,
                padTo: PixelSize? = nil) {
        self.resize = resize
        self.resample = resample
        self.centerCrop = centerCrop
        self.rescaleFactor = rescaleFactor
        self.mean = mean
        self.std = std
        self.padTo = padTo
    }

    /// OpenAI CLIP's normalisation constants (also BLIP's).
    public static let openAIMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    public static let openAIStd: [Float] = [0.26862954, 0.26130258, 0.27577711]
    /// ImageNet's normalisation constants (SAM).
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    /// `CLIPImageProcessor` defaults: shortest edge 224 (bicubic), centre crop 224², CLIP normalisation.
    public static let clip = ImagePreprocessing(
        resize: .shortestEdge(224), resample: .bicubic, centerCrop: PixelSize(width: 224, height: 224),
        mean: openAIMean, std: openAIStd)

    /// `BlipImageProcessor` defaults: 384×384 bicubic, CLIP normalisation.
    public static let blip = ImagePreprocessing(
        resize: .exact(PixelSize(width: 384, height: 384)), resample: .bicubic,
        mean: openAIMean, std: openAIStd)

    /// `SamImageProcessor` defaults: longest edge 1024 (bilinear), ImageNet normalisation, pad to 1024².
    public static let sam = ImagePreprocessing(
        resize: .longestEdge(1024), resample: .bilinear,
        mean: imageNetMean, std: imageNetStd, padTo: PixelSize(width: 1024, height: 1024))

    /// The size after resizing an image of `size`, with transformers' rounding.
    public func resizedSize(for size: PixelSize) -> PixelSize {
        switch resize {
        case .none:
            return size
        case .exact(let target):
            return target
        case .shortestEdge(let edge):
            let short = min(size.width, size.height), long = max(size.width, size.height)
            let newLong = Int(Double(edge * long) / Double(short))
            return size.width <= size.height
                ? PixelSize(width: edge, height: newLong) : PixelSize(width: newLong, height: edge)
        case .longestEdge(let edge):
            let scale = Double(edge) * 1.0 / Double(max(size.width, size.height))
            // transformers can produce a zero side for extreme aspect ratios; keep at least one pixel.
            return PixelSize(width: max(1, Int(Double(size.width) * scale + 0.5)),
                             height: max(1, Int(Double(size.height) * scale + 0.5)))
        }
    }

    /// For the JPEG fast path (`DecodingOptions.jpegMinimumSize`): the smallest decoded size that still
    /// leaves `oversampling` source pixels per output pixel along the resized sides. Nil when the
    /// description does not resize to a fixed scale.
    public func minimumDecodeSize(oversampling: Int = 2) -> PixelSize? {
        switch resize {
        case .none: return nil
        case .exact(let size): return PixelSize(width: size.width * oversampling, height: size.height * oversampling)
        case .shortestEdge(let edge), .longestEdge(let edge):
            return PixelSize(width: edge * oversampling, height: edge * oversampling)
        }
    }

    /// Checks that the description can be applied (positive sizes, 1 or 3 means and non-zero stds).
    public func validate() throws {
        func positive(_ size: PixelSize?) -> Bool { size.map { $0.width > 0 && $0.height > 0 } ?? true }
        switch resize {
        case .none: break
        case .exact(let size): guard positive(size) else { throw ImageError.invalidArgument("resize to \(size)") }
        case .shortestEdge(let edge), .longestEdge(let edge):
            guard edge > 0 else { throw ImageError.invalidArgument("resize edge \(edge)") }
        }
        guard positive(centerCrop), positive(padTo) else { throw ImageError.invalidArgument("crop or pad size") }
        if mean != nil || std != nil {
            guard let mean, let std, [1, 3].contains(mean.count), [1, 3].contains(std.count),
                  !std.contains(0) else {
                throw ImageError.invalidArgument("normalisation needs 1 or 3 means and non-zero stds")
            }
        }
    }

    /// The size of the output tensor's spatial dimensions for an image of `size`.
    public func outputSize(for size: PixelSize) -> PixelSize {
        padTo ?? centerCrop ?? resizedSize(for: size)
    }
}
