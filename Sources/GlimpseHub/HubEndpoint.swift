import Foundation

/// The Hugging Face hub to download from: `HF_ENDPOINT` (default https://huggingface.co) and `HF_TOKEN`.
public struct HubEndpoint: Sendable, Equatable {
    public var baseURL: String
    public var token: String?

    public init(baseURL: String = "https://huggingface.co", token: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
    }

    /// The endpoint the environment names.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        let token = environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(baseURL: base, token: token)
    }

    /// `{endpoint}/{repository}/resolve/{revision}/{file}`, the hub's file endpoint.
    public func fileURL(repository: String, revision: String, file: String) -> String {
        let escapedFile = file.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        return "\(baseURL)/\(repository)/resolve/\(revision)/\(escapedFile.joined(separator: "/"))"
    }
}
