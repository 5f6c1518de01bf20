import Foundation
import GRDB
import Testing
@testable import GlimpseIndex

/// `glimpse index` as a child process, stopped by signals, then run again.
@Suite("Index runs stopped by a signal")
struct ResumeTests {
    /// Standard error of the processes started by `start`, shown when an expectation fails.
    private var logs: [URL] = []
    var childErrors: Comment {
        Comment(rawValue: logs.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n---\n"))
    }

    /// The built `glimpse` next to this test binary (the build folder holds both).
    static var executable: URL? {
        let testBinary = Bundle.main.executableURL ?? URL(filePath: CommandLine.arguments[0])
        var folder = testBinary.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appending(path: "glimpse")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    func makeFolder(images: Int) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for index in 0..<images {
            try folder.writePNG("photos/img\(index).png", red: UInt8(100 + index * 10), green: 20, blue: 20)
        }
        return folder
    }

    mutating func start(_ arguments: [String], data: URL, delayMilliseconds: Int) throws -> Process {
        let process = Process()
        process.executableURL = try #require(Self.executable, "build the glimpse executable first (swift build --build-tests)")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GLIMPSE_TEST_DESCRIBER"] = "colour:\(delayMilliseconds)"
        environment["GLIMPSE_DATA_DIR"] = data.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let log = data.deletingLastPathComponent().appending(path: "glimpse-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        logs.append(log)
        return process
    }

    func waitForDescribed(_ database: URL, atLeast count: Int, timeout: Double = 60) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: database.path),
               let store = try? SQLiteIndexStore(url: database), let described = try? store.describedImageCount(), described >= count {
                return described
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return -1
    }

    /// Rows per table, to prove nothing is duplicated or left behind.
    func census(_ database: URL) throws -> [String: Int] {
        let queue = try DatabaseQueue(path: database.path)
        defer { try? queue.close() }
        return try queue.read { db in
            var counts: [String: Int] = [:]
            for table in ["image", "description", "keyword", "embedding", "descriptionSearch"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
            }
            counts["distinctPaths"] = try Int.fetchOne(db, sql: "SELECT count(DISTINCT path) FROM image")
            return counts
        }
    }

    @Test("a run killed with SIGKILL loses at most the image in flight; the next run finishes without duplicates")
    mutating func killedThenResumed() throws {
        let folder = try makeFolder(images: 12)
        defer { folder.remove() }
        let database = folder.file("index/index.sqlite")
        let arguments = ["index", folder.file("photos").path, "--index", database.path]
        let first = try start(arguments, data: folder.file("data"), delayMilliseconds: 150)
        let before = try waitForDescribed(database, atLeast: 3)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal, childErrors)
        #expect(before >= 3, childErrors)
        let store = try SQLiteIndexStore(url: database)
        let described = try store.describedImageCount()
        #expect(described >= before && described < 12)
        #expect(try store.summary().counts[.pending] == 12 - described)

        let second = try start(arguments, data: folder.file("data"), delayMilliseconds: 0)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, childErrors)
        #expect(try store.describedImageCount() == 12)
        #expect(try store.summary().counts[.pending] == 0)
        let counts = try census(database)
        #expect(counts["image"] == 12 && counts["distinctPaths"] == 12)
        #expect(counts["description"] == 12 && counts["descriptionSearch"] == 12 && counts["embedding"] == 12)
        #expect(try store.embeddingMatrix(.image).rows == 12)
    }

    @Test("a second run on an index that one is indexing is refused, naming the running process; after it, the next run finishes")
    mutating func concurrentRunRefused() throws {
        let folder = try makeFolder(images: 8)
        defer { folder.remove() }
        let database = folder.file("index.sqlite")
        let arguments = ["index", folder.file("photos").path, "--index", database.path]
        let first = try start(arguments, data: folder.file("data"), delayMilliseconds: 200)
        #expect(try waitForDescribed(database, atLeast: 1) >= 1, childErrors)

        let second = try start(arguments, data: folder.file("data"), delayMilliseconds: 0)
        second.waitUntilExit()
        let message = try String(contentsOf: try #require(logs.last), encoding: .utf8)
        #expect(second.terminationStatus == 1, childErrors)
        #expect(message.contains("Another glimpse index is running on the index at \(database.path) (process \(first.processIdentifier))"),
                childErrors)
        #expect(first.isRunning, "the refused run leaves the running one alone")

        kill(first.processIdentifier, SIGKILL)  // the kernel drops a killed process's lock
        first.waitUntilExit()
        let third = try start(arguments, data: folder.file("data"), delayMilliseconds: 0)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0, childErrors)
        #expect(try SQLiteIndexStore(url: database).describedImageCount() == 8)
    }

    @Test("Ctrl-C (SIGINT) stops cleanly with status 130 after committing the image in flight")
    mutating func interrupted() throws {
        let folder = try makeFolder(images: 10)
        defer { folder.remove() }
        let database = folder.file("index.sqlite")
        let process = try start(["index", folder.file("photos").path, "--index", database.path], data: folder.file("data"),
                                delayMilliseconds: 200)
        #expect(try waitForDescribed(database, atLeast: 2) >= 2, childErrors)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130, childErrors)
        let store = try SQLiteIndexStore(url: database)
        let summary = try store.summary()
        #expect((summary.counts[.full] ?? 0) + (summary.counts[.pending] ?? 0) == 10)
        #expect((summary.counts[.full] ?? 0) < 10)
    }
}
