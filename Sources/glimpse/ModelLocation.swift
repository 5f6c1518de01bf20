import ArgumentParser
import Foundation
import GlimpseHub
import GlimpseModels
import GlimpseRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command finds its model: the folder given on the command line, else the default model's
/// folder in the model cache — downloaded first when it is missing and the user agrees (or gave `--yes`).
enum ModelLocation {
    struct NotFound: LocalizedError {
        var repository: String
        var folder: URL
        var option: String
        var errorDescription: String? {
            "The model \(repository) is not in \(folder.path). Download it with `glimpse models pull \(repository)` "
                + "(or run the command again with --yes), or place its files there (config.json, model.safetensors and "
                + "the tokenizer files from https://huggingface.co/\(repository)), or name a model folder with \(option)."
        }
    }

    static func folder(explicit: String?, default repository: String, option: String, runtime: RuntimeOptions) async throws -> URL {
        if let explicit { return URL(filePath: explicit, directoryHint: .isDirectory) }
        let directories = GlimpseDirectories()
        let folder = directories.modelFolder(repository: repository)
        let model = KnownModel.named(repository)
        let present = model.map { HealthCheck.model($0, in: directories).status == .ok }
            ?? FileManager.default.fileExists(atPath: folder.path)
        if present { return folder }
        guard let model, runtime.yes || askToDownload(repository) else {
            throw NotFound(repository: repository, folder: folder, option: option)
        }
        let reporter = PullReporter()
        try await ModelPuller().pull(repository: model.repository, revision: model.revision, files: model.requiredFiles,
                                     optionalFiles: model.optionalFiles) { reporter.report($0) }
        reporter.finish()
        return folder
    }

    /// Asks on the terminal; never asks (and answers no) when standard input is not a terminal.
    private static func askToDownload(_ repository: String) -> Bool {
        guard isatty(STDIN_FILENO) != 0 else { return false }
        FileHandle.standardError.write(Data("The model \(repository) is not downloaded yet. Download it now from the Hugging Face hub? [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}
