import Foundation
#if canImport(Darwin)
import Darwin
#endif

/// How many physical cores this process may run on: the size of a session's thread pool unless
/// ``SessionOptions/intraOpThreads`` or ``ModelThreads`` say otherwise.
///
/// ONNX Runtime's own default is the same count, but it also pins each pool thread to a core; with a
/// pool per session (and the next run's threads on the same cores) Glimpse leaves placement to the
/// system. Two hyperthreads of one core count once, and only the processors the process is allowed
/// on count (a container's or `taskset`'s share).
enum PhysicalCores {
    static let count: Int = {
        #if os(Linux)
        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        if let status = read("/proc/self/status"),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
           let cores = count(allowed: String(line.dropFirst("Cpus_allowed_list:".count)), core: { cpu in
               // The processors sharing this one's core (`0,4`): the same list names the same core.
               read("/sys/devices/system/cpu/cpu\(cpu)/topology/thread_siblings_list")?.trimmingCharacters(in: .whitespacesAndNewlines)
           }) {
            return cores
        }
        #elseif canImport(Darwin)
        var cores: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if sysctlbyname("hw.physicalcpu", &cores, &size, nil, 0) == 0, cores > 0 { return Int(cores) }
        #endif
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The distinct cores of the processors in `allowed` (Linux's list form, `0-3,8,10-11`), each
    /// processor's core named by `core`; nil when the list cannot be read or a processor's core is unknown.
    static func count(allowed: String, core: (Int) -> String?) -> Int? {
        var cores = Set<String>()
        for part in allowed.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard (1...2).contains(bounds.count), let first = bounds.first ?? nil, let last = bounds.last ?? nil,
                  first >= 0, first <= last else { return nil }
            for cpu in first...last {
                guard let name = core(cpu) else { return nil }
                cores.insert(name)
            }
        }
        return cores.isEmpty ? nil : cores.count
    }
}
