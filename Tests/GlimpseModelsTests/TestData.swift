import Foundation
import Testing

/// Large test inputs fetched by scripts/fetch-test-data into `.deps/test-data` (never committed).
enum TestData {
    /// `$GLIMPSE_TEST_DATA`, else `.deps/test-data` at the package root.
    static var root: URL {
        if let path = ProcessInfo.processInfo.environment["GLIMPSE_TEST_DATA"], !path.isEmpty {
            return URL(filePath: path, directoryHint: .isDirectory)
        }
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appending(path: ".deps/test-data", directoryHint: .isDirectory)
    }

    /// The folder `name` under the test data, or a failed requirement telling how to get it.
    static func folder(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let url = root.appending(path: name, directoryHint: .isDirectory)
        try #require(FileManager.default.fileExists(atPath: url.path),
                     "missing test data \(url.path): run scripts/fetch-test-data", sourceLocation: sourceLocation)
        return url
    }
}
