import Foundation

/// Errors of SAM's prompts and outputs.
public enum SAMError: Error, Sendable, Equatable, LocalizedError {
    /// A mask request without any prompt.
    case noPrompts
    /// A prompt with neither points nor a box.
    case emptyPrompt
    /// Some prompts of one request have a box and others do not.
    case mixedBoxPrompts(withBox: Int, total: Int)
    /// A tensor whose shape does not fit (`name`, its shape).
    case badTensor(String, [Int])
    /// The graph returned no output called this.
    case missingOutput(String)
    /// Crop layers were asked of mask generation from an image embedding, which cannot crop.
    case cropsNeedPicture

    public var errorDescription: String? {
        switch self {
        case .noPrompts:
            "SAM needs at least one prompt (points or a box) to predict masks."
        case .emptyPrompt:
            "A SAM prompt has neither points nor a box; give each prompt at least one of them."
        case .mixedBoxPrompts(let withBox, let total):
            "\(withBox) of \(total) SAM prompts have a box: in one request either every prompt has a box or none has; split the request."
        case .badTensor(let name, let shape):
            "The SAM input '\(name)' has shape \(shape), which does not fit the other inputs; see SAMModel's documentation for the shapes."
        case .missingOutput(let name):
            "The SAM graph returned no '\(name)' output."
        case .cropsNeedPicture:
            "Crop layers embed crops of the picture, so they need the picture itself: segment it with SAMSegmenter, or set cropLayers to 0."
        }
    }
}
