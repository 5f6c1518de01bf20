import Foundation

/// How much memory this machine (or the container Glimpse runs in) offers, for `glimpse doctor`'s advice.
public enum SystemMemory {
    /// The smaller of the machine's physical memory and a cgroup's limit, as containers set it (cgroup v2's
    /// `memory.max`, else v1's `memory.limit_in_bytes`, whose "no limit" is a number larger than any memory).
    public static var totalBytes: Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(cgroupLimit)
        }
        return min(physical, limits.first ?? physical)
    }

    /// The bytes of a cgroup's memory limit file; nil for `max` (no limit) or text that is not a number.
    public static func cgroupLimit(_ text: String) -> Int? {
        Int(text.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0 > 0 ? $0 : nil }
    }
}

extension HealthCheck {
    /// Below this much memory, `glimpse doctor` suggests `--low-memory`: a full description with the default
    /// models took 2.3 GB of Glimpse's own memory here, besides about 2 GB of the models' files read while
    /// it runs (BENCHMARKS.md, 2026-12-05), which leaves little for the system and other programs.
    public static let comfortableMemoryBytes = 5 << 30

    /// Whether this much memory is comfortable for describing photos, and `--low-memory` where it is not; never a failure.
    public static func memory(totalBytes: Int) -> HealthCheck {
        let total = String(format: "%.1f GB", Double(totalBytes) / 1e9)
        let need = "a full description takes about 2.3 GB of Glimpse's own memory besides about 2 GB of model files it reads"
        guard totalBytes < comfortableMemoryBytes else {
            return HealthCheck(name: "memory", status: .ok, detail: "\(total): \(need) (0.7 GB of its own with --low-memory)")
        }
        return HealthCheck(name: "memory", status: .warning, detail: "\(total) is tight: \(need)",
                           fix: "Add --low-memory to glimpse describe, index and segment: 0.7 GB of Glimpse's own memory, "
                               + "the model files in pages the system can drop and read again; about 8 % slower.")
    }
}
