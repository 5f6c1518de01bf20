import ArgumentParser
import Foundation
import GlimpseHub
import GlimpseModels
import GlimpseRuntime

/// `glimpse models …`: the models Glimpse knows, and getting them from the Hugging Face hub.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, download, verify and remove models.",
        subcommands: [List.self, Pull.self, Verify.self, Remove.self]
    )

    /// Resolves names given on the command line: known short names, or hub repositories `owner/name`.
    static func resolve(_ names: [String]) throws -> [KnownModel] {
        if names.isEmpty { return KnownModel.defaults }
        return try names.map { name in
            if let known = KnownModel.named(name) { return known }
            guard name.split(separator: "/").count == 2 else {
                throw HubError.unknownModel(name, known: KnownModel.all.map(\.name))
            }
            return KnownModel(name: name, repository: name, role: .imageTextEmbedder, requiredFiles: ["config.json", "model.safetensors"],
                              optionalFiles: ["preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json",
                                              "vocab.txt", "vocab.json", "merges.txt", "tokenizer.json"])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the known models and whether each is in the cache.")

        func run() async throws {
            let directories = GlimpseDirectories()
            for model in KnownModel.all {
                let check = HealthCheck.model(model, in: directories)
                let state = check.status == .ok ? "present" : "missing"
                let name = model.name.padding(toLength: 18, withPad: " ", startingAt: 0)
                let role = model.role.rawValue.padding(toLength: 21, withPad: " ", startingAt: 0)
                print("\(name) \(role) \(model.isDefault ? "default" : "       ")  \(state.padding(toLength: 8, withPad: " ", startingAt: 0)) \(model.repository)")
            }
            print("Models are kept in \(directories.models.path) (set GLIMPSE_CACHE_DIR to move them).")
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download models from the Hugging Face hub (the defaults when no name is given).",
            discussion: "Downloads resume after an interruption and are checked against the hub's SHA-256. HF_ENDPOINT changes the hub's address; HF_TOKEN is sent when set.")

        @Argument(help: "Short names (see `glimpse models list`) or hub repositories (owner/name).")
        var names: [String] = []

        func run() async throws {
            let puller = ModelPuller(endpoint: HubEndpoint())
            let reporter = PullReporter()
            for model in try ModelsCommand.resolve(names) {
                let folder = try await puller.pull(repository: model.repository, revision: model.revision,
                                                   files: model.requiredFiles, optionalFiles: model.optionalFiles) { reporter.report($0) }
                reporter.finish()
                print("\(model.name): \(folder.path)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-check the SHA-256 of every downloaded file.")

        @Argument(help: "Models to verify (the defaults when none is given).")
        var names: [String] = []

        func run() async throws {
            var bad = 0
            for model in try ModelsCommand.resolve(names) {
                let folder = GlimpseDirectories().modelFolder(repository: model.repository)
                guard let manifest = ModelManifest.read(in: folder) else {
                    print("\(model.name): not downloaded by glimpse (nothing to verify)")
                    continue
                }
                let failed = manifest.verify(in: folder)
                bad += failed.count
                print(failed.isEmpty ? "\(model.name): \(manifest.files.count) files verified"
                                     : "\(model.name): CORRUPT \(failed.joined(separator: ", ")); run `glimpse models pull \(model.name)` after removing it")
            }
            if bad > 0 { throw ExitCode(1) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete models from the cache.")

        @Argument(help: "Models to remove.")
        var names: [String]

        func run() async throws {
            for model in try ModelsCommand.resolve(names) {
                let folder = GlimpseDirectories().modelFolder(repository: model.repository)
                guard FileManager.default.fileExists(atPath: folder.path) else {
                    print("\(model.name): not in the cache")
                    continue
                }
                try FileManager.default.removeItem(at: folder)
                print("\(model.name): removed \(folder.path)")
            }
        }
    }
}
