import Foundation

/// Where Glimpse keeps its files, following the XDG base-directory conventions.
///
/// - cache (`$GLIMPSE_CACHE_DIR`, else `$XDG_CACHE_HOME/glimpse`, else `~/.cache/glimpse`): downloaded models
///   and compiled copies of WordNet's index and the tokenizers (safe to delete);
/// - data (`$GLIMPSE_DATA_DIR`, else `$XDG_DATA_HOME/glimpse`, else `~/.local/share/glimpse`): the index.
public struct GlimpseDirectories: Sendable, Equatable {
    public var cache: URL
    public var data: URL

    /// Downloaded models, one folder per Hugging Face repository (`models/openai--clip-vit-base-patch32`).
    public var models: URL { cache.appending(path: "models", directoryHint: .isDirectory) }
    /// Compiled copies of parsed files (WordNet's index, the tokenizers) that load faster than the files.
    public var compiled: URL { cache.appending(path: "compiled", directoryHint: .isDirectory) }
    /// The default index database.
    public var defaultIndex: URL { data.appending(path: "index.sqlite") }

    public init(cache: URL, data: URL) {
        self.cache = cache
        self.data = data
    }

    /// The directories for this user and environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].map { URL(filePath: $0, directoryHint: .isDirectory) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        func directory(_ override: String, _ xdg: String, _ fallback: String) -> URL {
            if let path = environment[override], !path.isEmpty { return URL(filePath: path, directoryHint: .isDirectory) }
            if let path = environment[xdg], path.hasPrefix("/") {
                return URL(filePath: path, directoryHint: .isDirectory).appending(path: "glimpse", directoryHint: .isDirectory)
            }
            return home.appending(path: fallback, directoryHint: .isDirectory)
        }
        cache = directory("GLIMPSE_CACHE_DIR", "XDG_CACHE_HOME", ".cache/glimpse")
        data = directory("GLIMPSE_DATA_DIR", "XDG_DATA_HOME", ".local/share/glimpse")
    }

    /// The folder for a Hugging Face repository id (`owner/name` becomes `owner--name`).
    public func modelFolder(repository: String) -> URL {
        models.appending(path: repository.replacingOccurrences(of: "/", with: "--"), directoryHint: .isDirectory)
    }
}
