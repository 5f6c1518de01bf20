import AsyncHTTPClient
import Foundation
import GlimpseModels
import GlimpseRuntime
import NIOCore

/// How far a pull has come, reported as bytes arrive.
public struct PullProgress: Sendable {
    public var repository: String
    public var file: String
    public var receivedBytes: Int64
    public var totalBytes: Int64?
}

/// Downloads models from the hub into the model cache, one folder per repository in the hub's layout.
///
/// Files are fetched in parallel, each resumable and verified (see ``FileDownloader``); a lock file
/// makes a second pull of the same model wait for the first; `.glimpse-manifest.json` records the
/// revision, sizes and SHA-256 of what was verified, for `glimpse models verify`.
public struct ModelPuller: Sendable {
    public var endpoint: HubEndpoint
    public var directories: GlimpseDirectories
    /// How long a transfer may go without receiving a byte.
    public var readTimeout: Duration
    public var parallelDownloads: Int

    public init(endpoint: HubEndpoint = HubEndpoint(), directories: GlimpseDirectories = GlimpseDirectories(),
                readTimeout: Duration = .seconds(60), parallelDownloads: Int = 4) {
        self.endpoint = endpoint
        self.directories = directories
        self.readTimeout = readTimeout
        self.parallelDownloads = parallelDownloads
    }

    /// Pulls `files` of `repository` at `revision`; files already verified are skipped, and `optionalFiles`
    /// that the repository does not have (404) are left out.
    /// - Returns: the model folder.
    @discardableResult
    public func pull(
        repository: String, revision: String = "main", files: [String], optionalFiles: [String] = [],
        pinnedSHA256: [String: String] = [:],
        progress: @escaping @Sendable (PullProgress) -> Void = { _ in }
    ) async throws -> URL {
        let folder = directories.modelFolder(repository: repository)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw HubError.cacheNotWritable(path: folder.path, reason: error.localizedDescription)
        }
        let lock: FileLock
        do {
            lock = try await FileLock.acquire(folder.appending(path: ".glimpse-pull.lock"))
        } catch let failure as FileLock.OpenFailure {
            throw HubError.cacheNotWritable(path: folder.path, reason: failure.reason)
        }
        defer { withExtendedLifetime(lock) {} }

        var manifest = ModelManifest.read(in: folder) ?? ModelManifest(repository: repository, revision: revision, files: [:])
        if manifest.revision != revision { manifest = ModelManifest(repository: repository, revision: revision, files: [:]) }
        let missing = (files + optionalFiles.filter { !files.contains($0) }).filter { !manifest.isVerified($0, in: folder) }
        let optional = Set(optionalFiles).subtracting(files)

        let seconds = readTimeout.components.seconds
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(15), read: .seconds(max(1, seconds)))))
        do {
            let downloader = FileDownloader(transport: HTTPTransport(client: client, endpoint: endpoint))
            let downloaded = try await withThrowingTaskGroup(of: DownloadedFile?.self) { group in
                var results: [DownloadedFile] = []
                var queue = missing[...]
                func start(_ file: String) {
                    group.addTask {
                        let url = endpoint.fileURL(repository: repository, revision: revision, file: file)
                        do {
                            return try await downloader.download(from: url, to: folder.appending(path: file),
                                                                 expectedSHA256: pinnedSHA256[file]) { received, total in
                                progress(PullProgress(repository: repository, file: file, receivedBytes: received, totalBytes: total))
                            }
                        } catch HubError.httpStatus(_, 404) where optional.contains(file) {
                            return nil
                        }
                    }
                }
                for _ in 0..<max(1, parallelDownloads) { if let file = queue.popFirst() { start(file) } }
                while let result = try await group.next() {
                    if let result { results.append(result) }
                    if let file = queue.popFirst() { start(file) }
                }
                return results
            }
            for file in downloaded { manifest.files[file.name] = file }
            try manifest.write(in: folder)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return folder
    }
}

/// What a pull verified: `.glimpse-manifest.json` in the model folder.
public struct ModelManifest: Codable, Sendable, Equatable {
    public var repository: String
    public var revision: String
    public var files: [String: DownloadedFile]

    static let fileName = ".glimpse-manifest.json"

    public static func read(in folder: URL) -> ModelManifest? {
        guard let data = try? Data(contentsOf: folder.appending(path: fileName)) else { return nil }
        return try? JSONDecoder().decode(ModelManifest.self, from: data)
    }

    func write(in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: folder.appending(path: Self.fileName), options: .atomic)
        } catch {
            throw HubError.cacheNotWritable(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Recorded as verified and still of the recorded size (a full re-hash is ``verify(in:)``'s job).
    func isVerified(_ file: String, in folder: URL) -> Bool {
        guard let entry = files[file] else { return false }
        return FileDownloader.size(of: folder.appending(path: file)) == entry.size
    }

    /// Re-hashes every recorded file: the names whose bytes no longer match (or that are gone).
    public func verify(in folder: URL) -> [String] {
        files.keys.sorted().filter { name in
            guard let digest = try? FileDigest.sha256(of: folder.appending(path: name)) else { return true }
            return digest != files[name]?.sha256
        }
    }
}
