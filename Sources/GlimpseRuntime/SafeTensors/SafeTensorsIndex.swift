import Foundation

/// The parsed and checked `model.safetensors.index.json` of a sharded checkpoint.
struct SafeTensorsIndex: Sendable {
    /// Tensor name → shard file name, in index order; every shard name is a plain file name.
    let weightMap: [(tensor: String, shard: String)]
    /// `metadata` entries, numbers as their JSON text.
    let metadata: [String: String]

    init(url: URL) throws {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError.fileUnreadable(path: path, reason: "cannot read the file")
        }
        let json: SafeTensorsJSON = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> SafeTensorsJSON in
            guard SafeTensorsJSON.isValidUTF8(bytes) else {
                throw SafeTensorsError.indexMalformed(path: path, detail: "not valid UTF-8")
            }
            do throws(SafeTensorsJSONFailure) {
                return try SafeTensorsJSON.parse(bytes)
            } catch {
                throw SafeTensorsError.indexMalformed(path: path, detail: "invalid JSON: \(error.description)")
            }
        }
        guard case .object(let members) = json else {
            throw SafeTensorsError.indexMalformed(path: path, detail: "it is \(json.summary), not a JSON object")
        }

        var metadata: [String: String] = [:]
        if let value = members.first(where: { $0.key == "metadata" })?.value {
            switch value {
            case .null: break
            case .object(let entries):
                for entry in entries {
                    switch entry.value {
                    case .string(let text), .number(let text): metadata[entry.key] = text
                    default: break
                    }
                }
            default:
                throw SafeTensorsError.indexMalformed(path: path, detail: "\"metadata\" is \(value.summary), not an object")
            }
        }

        guard let mapValue = members.first(where: { $0.key == "weight_map" })?.value else {
            throw SafeTensorsError.indexMalformed(path: path, detail: "no \"weight_map\"")
        }
        guard case .object(let entries) = mapValue else {
            throw SafeTensorsError.indexMalformed(path: path, detail: "\"weight_map\" is \(mapValue.summary), not an object")
        }
        var seen = Set<String>()
        var weightMap: [(tensor: String, shard: String)] = []
        for entry in entries {
            guard case .string(let shard) = entry.value else {
                throw SafeTensorsError.indexMalformed(
                    path: path, detail: "shard of '\(entry.key)' is \(entry.value.summary), not a file name")
            }
            guard seen.insert(entry.key).inserted else {
                throw SafeTensorsError.indexMalformed(path: path, detail: "'\(entry.key)' is listed twice")
            }
            guard Self.isPlainFileName(shard) else { throw SafeTensorsError.unsafeShardName(shard) }
            weightMap.append((entry.key, shard))
        }
        self.weightMap = weightMap
        self.metadata = metadata
    }

    /// Whether `name` names a file directly inside the checkpoint folder: not empty, not `.` or `..`,
    /// and free of path separators and NUL.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }
}
