import Foundation

/// The temporary files that Glimpse writes beside a file before renaming them over it
/// (`.<name>.<UUID>.tmp`), and the clean-up of those a killed process left behind.
public enum TemporaryFiles {
    /// A new temporary file's URL beside `file`.
    public static func beside(_ file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
    }

    /// Removes the temporary files beside `file` not modified for `age` seconds: a process that writes
    /// one finishes within seconds, so an old one belongs to a process that was killed.
    public static func removeAbandoned(beside file: URL, olderThan age: TimeInterval = 3600) {
        let folder = file.deletingLastPathComponent()
        let prefix = ".\(file.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        let limit = Date(timeIntervalSinceNow: -age)
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let url = folder.appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  modified < limit else { continue }
            try? FileManager.default.removeItem(at: url)
        }
    }
}
