import Foundation

/// Paths in the package: the evaluation set (Evaluation/) and the test data that scripts/fetch-test-data
/// puts in .deps/test-data (or $GLIMPSE_TEST_DATA).
enum TestData {
    static var packageRoot: URL {
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }

    static var root: URL {
        if let path = ProcessInfo.processInfo.environment["GLIMPSE_TEST_DATA"], !path.isEmpty {
            return URL(filePath: path, directoryHint: .isDirectory)
        }
        return packageRoot.appending(path: ".deps/test-data", directoryHint: .isDirectory)
    }

    static var miniLM: URL { root.appending(path: "all-MiniLM-L6-v2", directoryHint: .isDirectory) }
    static var evaluation: URL { packageRoot.appending(path: "Evaluation", directoryHint: .isDirectory) }

    static var hasEvaluationSet: Bool {
        FileManager.default.fileExists(atPath: evaluation.appending(path: "queries.jsonl").path)
            && FileManager.default.fileExists(atPath: evaluation.appending(path: "descriptions.jsonl").path)
    }
}
