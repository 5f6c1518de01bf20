import Foundation

/// Everything that can go wrong while fetching models from the Hugging Face hub.
public enum HubError: Error, LocalizedError, Equatable {
    /// The server answered with an HTTP error status.
    case httpStatus(url: String, status: Int)
    /// The connection failed or stalled (no bytes within the read timeout).
    case transfer(url: String, reason: String)
    /// The downloaded bytes do not have the expected SHA-256; the partial file was deleted.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The downloaded file is not as long as announced.
    case sizeMismatch(file: String, expected: Int64, actual: Int64)
    /// The cache folder cannot be created or written.
    case cacheNotWritable(path: String, reason: String)
    /// A model name that is neither in the registry nor a hub repository id (`owner/name`).
    case unknownModel(String, known: [String])

    public var errorDescription: String? {
        switch self {
        case .httpStatus(let url, let status) where status == 401 || status == 403:
            return "\(url) answered \(status): the repository is private or gated. Set HF_TOKEN to a token that may read it."
        case .httpStatus(let url, let status) where status == 404:
            return "\(url) answered 404: the repository, revision or file does not exist. Check the model name."
        case .httpStatus(let url, let status):
            return "\(url) answered \(status). The server may be busy: try again later (the download resumes where it stopped)."
        case .transfer(let url, let reason):
            return "Downloading \(url) failed: \(reason). Check the connection (or HF_ENDPOINT) and run the command again: it resumes where it stopped."
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file) is corrupt: its SHA-256 is \(actual), the hub says \(expected). The bad copy was deleted; run the command again."
        case .sizeMismatch(let file, let expected, let actual):
            return "\(file) has \(actual) bytes, \(expected) were announced. The bad copy was deleted; run the command again."
        case .cacheNotWritable(let path, let reason):
            return "Cannot write models to \(path) (\(reason)). Make it writable, or set GLIMPSE_CACHE_DIR to a writable folder."
        case .unknownModel(let name, let known):
            return "Unknown model '\(name)'. Name a known model (\(known.joined(separator: ", "))) or a hub repository as owner/name."
        }
    }
}
