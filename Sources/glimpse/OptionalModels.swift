import Foundation
import GlimpseDescribe
import GlimpseModels
import GlimpseRuntime

/// CLIP and MiniLM for commands that still work without them (`search`, `import`): each is loaded when
/// named or present in the model cache (never downloaded), and each one missing or unloadable leaves a
/// note that names the model, how to get it and what the command does without it.
struct OptionalModels {
    var clip: (any ImageTextEmbedding)?
    var sentences: (any SentenceEncoding)?
    var notes: [String] = []

    /// - Parameters: `withoutCLIP`, `withoutMiniLM`: what the command gives up without that model;
    ///   `clipTowers`: `.text` when the command embeds no image (search); `prepacking`: false when the
    ///   process runs the models only once or twice (packing the weights costs more than it saves then).
    init(clip clipFolder: String?, minilm sentenceFolder: String?, ortLibrary: String?, withoutCLIP: String, withoutMiniLM: String,
         clipTowers: CLIPModel.Towers = .both, prepacking: Bool = true) {
        let options = SessionOptions(prepacking: prepacking)
        let runtime: OnnxRuntime
        do {
            runtime = try OnnxRuntime.load(libraryPath: ortLibrary)
        } catch {
            notes.append("ONNX Runtime could not be loaded (\(error.localizedDescription)): \(withoutCLIP); \(withoutMiniLM).")
            return
        }
        let directories = GlimpseDirectories()
        func folder(_ explicit: String?, _ repository: String) -> URL? {
            if let explicit { return URL(filePath: explicit, directoryHint: .isDirectory) }
            let folder = directories.modelFolder(repository: repository)
            return FileManager.default.fileExists(atPath: folder.appending(path: "config.json").path) ? folder : nil
        }
        let clipRepository = "openai/clip-vit-base-patch32", sentenceRepository = "sentence-transformers/all-MiniLM-L6-v2"
        // MiniLM loads on another thread while CLIP loads on this one.
        let sentenceURL = folder(sentenceFolder, sentenceRepository)
        let sentenceLoad = sentenceURL.map { url in
            BackgroundWork {
                MiniLMSentenceEncoder(try SentenceEmbedder(directory: url, runtime: runtime, options: options,
                                                           compiledCache: directories.compiled))
            }
        }
        if let url = folder(clipFolder, clipRepository) {
            do {
                clip = CLIPImageTextEmbedder(try CLIPModel(directory: url, runtime: runtime, options: options, towers: clipTowers,
                                                           compiledCache: directories.compiled))
            } catch {
                notes.append("CLIP could not be loaded from \(url.path) (\(error.localizedDescription)): \(withoutCLIP).")
            }
        } else {
            notes.append("No CLIP model (glimpse models pull \(clipRepository)): \(withoutCLIP).")
        }
        if let url = sentenceURL, let sentenceLoad {
            do { sentences = try sentenceLoad.value() } catch {
                notes.append("MiniLM could not be loaded from \(url.path) (\(error.localizedDescription)): \(withoutMiniLM).")
            }
        } else {
            notes.append("No MiniLM model (glimpse models pull \(sentenceRepository)): \(withoutMiniLM).")
        }
    }
}
