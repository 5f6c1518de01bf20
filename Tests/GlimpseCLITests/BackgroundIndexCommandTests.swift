import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// `glimpse index --background` puts every thread of the run in the idle scheduling class, those made after
/// it started included.
@Suite("glimpse index --background")
struct BackgroundIndexCommandTests {
    /// How a thread is scheduled: its nice value and scheduling policy (5 is `SCHED_IDLE`).
    struct Scheduling: Hashable {
        var nice: Int
        var policy: Int
    }

    /// The scheduling of each thread of process `pid` (the 19th and 41st fields of `/proc/PID/task/TID/stat`).
    static func scheduling(of pid: Int32) -> [Scheduling] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.compactMap { thread in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")") else { return nil }
            // The fields after the command's name start with the third, the state.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            guard fields.count > 38, let nice = Int(fields[16]), let policy = Int(fields[38]) else { return nil }
            return Scheduling(nice: nice, policy: policy)
        }
    }

    /// Runs `glimpse index` over a library whose three photos take 0.4 s each to describe, and samples how its
    /// threads are scheduled while it describes them (from 0.3 s on: the process starts as its caller is).
    static func sampled(_ extra: [String]) throws -> (samples: [Scheduling], status: Int32) {
        let library = try PhotoLibrary("background")
        defer { library.remove() }
        for (index, fixture) in ["images/photo_400x267.jpg", "images/gray_250x190.jpg", "images/cmyk_180x140.jpg"].enumerated() {
            try library.add(fixture, as: "\(index).jpg")
        }
        let process = Process()
        process.executableURL = GlimpseProcess.executable
        process.arguments = ["index", library.photos.path, "--index", library.index] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["GLIMPSE_TEST_DESCRIBER": "colour:400"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(300_000)
        var samples: [Scheduling] = []
        while process.isRunning {
            samples += scheduling(of: process.processIdentifier)
            usleep(50_000)
        }
        process.waitUntilExit()
        return (samples, process.terminationStatus)
    }

    @Test("every thread of a background run is in the idle class, at nice 19 unless the task pool set it again; without the flag none is")
    func idleClass() throws {
        let background = try Self.sampled(["--background"])
        #expect(background.status == 0 && background.samples.count > 4)
        #expect(background.samples.allSatisfy { $0.policy == 5 }, "\(Set(background.samples))")
        #expect(background.samples.contains { $0.nice == 19 }, "\(Set(background.samples))")
        let ordinary = try Self.sampled([])
        #expect(ordinary.status == 0 && ordinary.samples.count > 4)
        #expect(ordinary.samples.allSatisfy { $0.policy != 5 && $0.nice != 19 }, "\(Set(ordinary.samples))")
    }
}
#endif
