import Foundation

/// Errors of the `GlimpseModels` module.
///
/// Every message names the file or field at fault and says what to do about it.
public enum ModelsError: Error, Sendable, Equatable {
    /// The model directory does not exist.
    case directoryNotFound(URL)
    /// The path exists but is a file, not a directory.
    case notADirectory(URL)
    /// A file the operation needs is not in the model directory.
    case missingFile(String, directory: URL)
    /// Files a model type needs are not in the model directory (names as in the hub layout).
    case missingFiles([String], directory: URL, modelType: String)
    /// A file exists but could not be read.
    case unreadableFile(URL, reason: String)
    /// A file is not valid JSON (or not a JSON object).
    case malformedJSON(file: String, reason: String)
    /// `config.json` has no `model_type`.
    case missingModelType(file: String)
    /// `config.json` names a `model_type` Glimpse cannot run.
    case unsupportedModelType(String, supported: [String])
    /// A field has the wrong JSON type or an impossible value; `field` is a dotted path such as
    /// `vision_config.hidden_size` (array elements as `global_attn_indexes[2]`).
    case invalidConfiguration(file: String, field: String, reason: String)
}

extension ModelsError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .directoryNotFound(let url):
            return "The model directory \(url.path) does not exist. Check the path, or download the model "
                + "first (`glimpse models pull`)."
        case .notADirectory(let url):
            return "\(url.path) is a file, not a model directory. Pass the folder that holds config.json "
                + "and model.safetensors."
        case .missingFile(let name, let directory):
            return "\(name) is missing from the model directory \(directory.path). Download the complete "
                + "model (`glimpse models pull`) or copy \(name) from the model's Hugging Face repository."
        case .missingFiles(let names, let directory, let modelType):
            return "The \(modelType) model directory \(directory.path) lacks "
                + names.joined(separator: ", ")
                + ". Download the complete model (`glimpse models pull`) or add these files from the "
                + "model's Hugging Face repository."
        case .unreadableFile(let url, let reason):
            return "Could not read \(url.path): \(reason). Check the file's permissions and that it is "
                + "fully downloaded."
        case .malformedJSON(let file, let reason):
            return "\(file) is not a valid JSON object (\(reason)). The download may be incomplete: "
                + "download the file again."
        case .missingModelType(let file):
            return "\(file) has no \"model_type\" field, so the model family is unknown. Add "
                + "\"model_type\" (one of \(ModelType.supportedNames.joined(separator: ", "))) or use "
                + "the config.json from the model's Hugging Face repository."
        case .unsupportedModelType(let type, let supported):
            return "Model type \"\(type)\" is not supported; Glimpse runs \(supported.joined(separator: ", ")). "
                + "Choose a checkpoint of one of these families."
        case .invalidConfiguration(let file, let field, let reason):
            return "\(file): field \"\(field)\" is invalid: \(reason). Fix the value or use the file "
                + "from the model's Hugging Face repository."
        }
    }
}
