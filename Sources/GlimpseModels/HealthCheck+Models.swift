import Foundation
import GlimpseRuntime

extension HealthCheck {
    /// Whether the files of `model` are in its folder under `directories.models`.
    public static func model(_ model: KnownModel, in directories: GlimpseDirectories) -> HealthCheck {
        let folder = directories.modelFolder(repository: model.repository)
        let name = "model \(model.repository)"
        let missing = model.requiredFiles.filter {
            !FileManager.default.fileExists(atPath: folder.appending(path: $0).path)
        }
        if missing.isEmpty {
            return HealthCheck(name: name, status: .ok, detail: "\(model.role.rawValue) at \(folder.path)")
        }
        let what = missing.count == model.requiredFiles.count ? "not downloaded" : "missing \(missing.joined(separator: ", "))"
        return HealthCheck(
            name: name, status: .warning, detail: "\(model.role.rawValue): \(what)",
            fix: "Run `glimpse models pull \(model.name)`, or place the files \(model.requiredFiles.joined(separator: ", ")) of https://huggingface.co/\(model.repository) in \(folder.path).")
    }
}
