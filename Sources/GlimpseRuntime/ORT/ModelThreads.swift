import Foundation

/// How many threads each model's pool gets when its session does not say otherwise
/// (``SessionOptions/intraOpThreads`` 0): `GLIMPSE_THREADS` when it holds a whole number from 1 to
/// ``maximum``, else one per physical core the process may use.
public struct ModelThreads: Sendable, Equatable {
    /// Where ``count`` comes from.
    public enum Source: Sendable, Equatable {
        case physicalCores
        case environment
        /// `GLIMPSE_THREADS` holds something else (kept here); the physical cores are used.
        case unusableEnvironment(String)
    }

    public static let environmentVariable = "GLIMPSE_THREADS"
    public static let maximum = 1024

    public let count: Int
    public let source: Source

    /// What this process uses.
    public static let current = ModelThreads(setting: ProcessInfo.processInfo.environment[environmentVariable],
                                             physicalCores: PhysicalCores.count)

    init(setting: String?, physicalCores: Int) {
        guard let setting else {
            (count, source) = (physicalCores, .physicalCores)
            return
        }
        if let threads = Int(setting.trimmingCharacters(in: .whitespaces)), (1...Self.maximum).contains(threads) {
            (count, source) = (threads, .environment)
        } else {
            (count, source) = (physicalCores, .unusableEnvironment(setting))
        }
    }
}

extension HealthCheck {
    /// How many threads each model runs on, and why.
    public static func modelThreads(_ threads: ModelThreads) -> HealthCheck {
        let name = "threads"
        let perModel = "\(threads.count) per model"
        switch threads.source {
        case .physicalCores:
            return HealthCheck(name: name, status: .ok, detail: "\(perModel), one per physical core (\(ModelThreads.environmentVariable) sets another number)")
        case .environment:
            return HealthCheck(name: name, status: .ok, detail: "\(perModel) (\(ModelThreads.environmentVariable))")
        case .unusableEnvironment(let setting):
            return HealthCheck(name: name, status: .warning,
                               detail: "\(ModelThreads.environmentVariable)=\(setting.debugDescription) is not a whole number from 1 to \(ModelThreads.maximum); \(perModel), one per physical core",
                               fix: "Set \(ModelThreads.environmentVariable) to a number of threads, or unset it.")
        }
    }
}
