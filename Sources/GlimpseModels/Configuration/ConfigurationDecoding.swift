import Foundation

/// A JSON file in the Hugging Face hub layout (`config.json`, `preprocessor_config.json`) that decodes
/// into a Glimpse configuration type.
///
/// Use `init(jsonData:file:)` or `init(contentsOf:)` rather than `JSONDecoder` directly: they turn
/// `DecodingError`s into `ModelsError`s that name the file and the field path
/// (`vision_config.hidden_size`).
public protocol HubConfigurationFile: Decodable, Sendable {
    /// The file name in the hub layout, used in error messages.
    static var defaultFileName: String { get }
}

extension HubConfigurationFile {
    /// Decodes `data`; `file` names the source in errors.
    public init(jsonData data: Data, file: String = Self.defaultFileName) throws {
        self = try ConfigurationJSON.decode(Self.self, from: data, file: file)
    }

    /// Reads and decodes the JSON file at `url`.
    public init(contentsOf url: URL) throws {
        let data = try ConfigurationJSON.read(url)
        self = try ConfigurationJSON.decode(Self.self, from: data, file: url.lastPathComponent)
    }
}

extension CodingUserInfoKey {
    /// A `ModelType` that tells `PreprocessorConfiguration` which image processor's defaults to use
    /// when the file names none (transformers' `AutoImageProcessor` falls back to `config.json` too).
    public static let glimpseModelTypeHint = CodingUserInfoKey(rawValue: "glimpse.modelTypeHint")!
}

/// Reading and decoding of hub JSON files, with errors mapped to `ModelsError`.
enum ConfigurationJSON {
    /// Reads `url`; a missing file is reported as missing from `directory` (default: its parent).
    static func read(_ url: URL, directory: URL? = nil) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelsError.missingFile(url.lastPathComponent, directory: directory ?? url.deletingLastPathComponent())
        }
        guard !isDirectory.boolValue else {
            throw ModelsError.unreadableFile(url, reason: "it is a directory")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ModelsError.unreadableFile(url, reason: error.localizedDescription)
        }
    }

    static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, file: String, modelTypeHint: ModelType? = nil
    ) throws -> T {
        let decoder = JSONDecoder()
        if let modelTypeHint {
            decoder.userInfo[.glimpseModelTypeHint] = modelTypeHint
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw modelsError(error, file: file)
        }
    }

    /// Maps a `DecodingError` to the module's error, naming the dotted field path.
    static func modelsError(_ error: DecodingError, file: String) -> ModelsError {
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return .malformedJSON(file: file, reason: "the top level must be a JSON object")
            }
            return .invalidConfiguration(
                file: file, field: fieldPath(context.codingPath),
                reason: "expected \(describe(type)) (\(context.debugDescription))")
        case .valueNotFound(let type, let context):
            return .invalidConfiguration(
                file: file, field: fieldPath(context.codingPath),
                reason: "must not be null; expected \(describe(type))")
        case .keyNotFound(let key, let context):
            let path = context.codingPath + [key]
            if path.count == 1, key.stringValue == "model_type" {
                return .missingModelType(file: file)
            }
            return .invalidConfiguration(file: file, field: fieldPath(path), reason: "the field is required")
        case .dataCorrupted(let context):
            // At the top level only the JSON parser reports corrupt data (the types here always have a
            // field path); Linux Foundation gives no underlying error.
            if context.codingPath.isEmpty {
                return .malformedJSON(file: file, reason: context.debugDescription)
            }
            return .invalidConfiguration(
                file: file, field: fieldPath(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .malformedJSON(file: file, reason: String(describing: error))
        }
    }

    /// `vision_config.global_attn_indexes[2]` from a coding path; `(top level)` for an empty one.
    static func fieldPath(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return path.isEmpty ? "(top level)" : path
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is [Int].Type, is [Double].Type, is [String].Type: return "an array"
        default: return "a JSON object"
        }
    }
}

extension KeyedDecodingContainer {
    /// The value stored under `key`, or `fallback` when the key is absent or `null`.
    ///
    /// transformers passes a missing key as the `__init__` default; a `null` would reach the model as
    /// `None` and break it, so Glimpse treats it like a missing key. A value of the wrong JSON type
    /// throws a `DecodingError` whose coding path names the field.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try optionalValue(T.self, key) ?? fallback()
    }

    /// The value stored under `key`, or `nil` when the key is absent or `null`; errors name the field.
    func optionalValue<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        do {
            return try decodeIfPresent(T.self, forKey: key)
        } catch let error as DecodingError {
            throw error
        } catch let error as ModelsError {
            throw error
        } catch {
            // Foundation's JSONDecoder throws an internal error for a number that does not fit the type
            // (`1.5` or `1e30` for an Int) and later reports it as corrupt JSON with no coding path.
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "the number does not fit \(T.self)")
        }
    }

    /// Rejects a `model_type` that belongs to another family (decoding a BLIP file as CLIP, say).
    /// A missing or empty `model_type` is accepted, as transformers' `from_dict` does.
    func checkModelType(_ key: Key, expected: String) throws {
        guard let found = try decodeIfPresent(String.self, forKey: key), !found.isEmpty, found != expected else {
            return
        }
        throw DecodingError.dataCorruptedError(
            forKey: key, in: self, debugDescription: "expected \"\(expected)\", found \"\(found)\"")
    }
}
