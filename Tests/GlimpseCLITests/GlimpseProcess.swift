import Foundation
import Testing

/// Runs the real `glimpse` executable, as a user would.
enum GlimpseProcess {
    struct Run {
        var status: Int32
        var output: String
    }

    /// The built `glimpse` in the build folder that holds this test binary.
    static var executable: URL {
        let testBinary = Bundle.main.executableURL ?? URL(filePath: CommandLine.arguments[0])
        var folder = testBinary.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: folder.appending(path: "glimpse").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appending(path: "glimpse")
    }

    /// - Parameter input: what the process reads on its standard input (nothing is connected when nil).
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        if let input, let inputPipe {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Like `run`, with standard output and standard error kept apart (standard error goes through a file,
    /// so that neither stream can fill up and stall the process).
    static func runSeparating(_ arguments: [String], environment: [String: String] = [:])
        throws -> (status: Int32, standardOutput: String, standardError: String) {
        let errorFile = FileManager.default.temporaryDirectory.appending(path: "glimpse-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }

    /// The package's root folder (where Package.swift is).
    static var packageRoot: URL {
        var folder = URL(filePath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appending(path: "Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }
}
