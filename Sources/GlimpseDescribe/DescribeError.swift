import Foundation

/// What can go wrong while describing an image.
public enum DescribeError: Error, LocalizedError, Equatable {
    /// A ``DescribeOptions`` field has a value the pipeline cannot use: its name and why.
    case invalidOption(String, String)
    /// Full mode was asked of a pipeline loaded without a segmenter.
    case noSegmenter
    /// A model returned the wrong number of results: the model's role, how many were expected and got.
    case modelOutputCount(role: String, expected: Int, got: Int)
    /// A model folder lacks the tokenizer the pipeline needs.
    case missingTokenizer(role: String, folder: String, files: [String])
    /// The image has no pixels.
    case emptyImage

    public var errorDescription: String? {
        switch self {
        case let .invalidOption(name, reason):
            return "The describe option \(name) \(reason). Change it (see DescribeOptions for the allowed values)."
        case .noSegmenter:
            return "Full descriptions need a SAM segmenter, but the pipeline was loaded without one. "
                + "Load it with a segmenter folder, or describe in quick mode."
        case let .modelOutputCount(role, expected, got):
            return "The \(role) returned \(got) results for \(expected) inputs. The model folder may be damaged: "
                + "check it with `glimpse doctor` or pull the model again."
        case let .missingTokenizer(role, folder, files):
            return "The \(role) model in \(folder) has no tokenizer (\(files.joined(separator: ", "))). "
                + "Add those files from the model's Hugging Face repository, or pull the model again with `glimpse models pull`."
        case .emptyImage:
            return "The image has no pixels; describe a picture at least 1×1 pixel large."
        }
    }
}
