import Foundation
#if os(Linux)
import Glibc
#endif

/// Transparent huge pages for the memory the models work in (Linux).
///
/// A model's first run writes gigabytes of fresh memory (SAM's encoder and mask decoder, BLIP's crops),
/// and a virtual machine pays dearly for every 4 KB page touched the first time: one cold
/// `glimpse describe` spent a quarter of its time in the kernel clearing pages. glibc backs its large
/// allocations with 2 MB pages when the `glibc.malloc.hugetlb=1` tunable is set, but reads tunables only
/// when a process starts, so ``restartIfNeeded()`` starts the same program again with it
/// set. `GLIMPSE_HUGE_PAGES=0` keeps ordinary pages; a tunable the user set is left as it is.
public enum HugePageMemory {
    /// The environment variable that turns the restart off (`0`).
    public static let switchVariable = "GLIMPSE_HUGE_PAGES"
    /// The glibc tunable that asks malloc for transparent huge pages.
    public static let tunable = "glibc.malloc.hugetlb"

    /// Whether a process uses huge pages for its allocations, and why.
    public enum State: Equatable, Sendable {
        /// glibc was started with the tunable (by Glimpse's restart or by the user).
        case on(tunables: String)
        /// Off by the user's choice: `GLIMPSE_HUGE_PAGES=0`, or `glibc.malloc.hugetlb=0` in `GLIBC_TUNABLES`.
        case turnedOff(by: String)
        /// The kernel has transparent huge pages off (or does not say).
        case unavailable(reason: String)
        /// Not started with the tunable yet: ``restartIfNeeded()`` would restart.
        case notYet
        /// Not Linux: the system manages its own pages.
        case notLinux
    }

    /// The state for an environment and the kernel's setting (the text of
    /// `/sys/kernel/mm/transparent_hugepage/enabled`, nil when it cannot be read).
    public static func state(environment: [String: String], kernelSetting: String?) -> State {
        if environment[switchVariable] == "0" { return .turnedOff(by: "\(switchVariable)=0") }
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        if let setting = tunables.split(separator: ":").last(where: { $0.hasPrefix("\(tunable)=") }) {
            return setting == "\(tunable)=0" ? .turnedOff(by: "GLIBC_TUNABLES=\(tunables)") : .on(tunables: tunables)
        }
        guard let kernelSetting else { return .unavailable(reason: "the kernel does not offer transparent huge pages") }
        if kernelSetting.contains("[never]") {
            return .unavailable(reason: "the kernel has transparent huge pages off (\(kernelSettingPath): never)")
        }
        return .notYet
    }

    /// The state of this process.
    public static var current: State {
        #if os(Linux)
        state(environment: ProcessInfo.processInfo.environment, kernelSetting: try? String(contentsOfFile: kernelSettingPath, encoding: .utf8))
        #else
        .notLinux
        #endif
    }

    /// `GLIBC_TUNABLES` with the huge-page tunable added to what the user set.
    public static func tunables(adding existing: String?) -> String {
        let setting = "\(tunable)=1"
        guard let existing, !existing.isEmpty else { return setting }
        return "\(existing):\(setting)"
    }

    /// Starts this program again, with the same arguments, with huge pages when ``current`` is
    /// ``State/notYet``; otherwise, or when the restart fails, returns and the program goes on as it is.
    /// Call it first thing in `main`, before any thread starts.
    public static func restartIfNeeded() {
        #if os(Linux)
        guard current == .notYet else { return }
        let before = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"]
        setenv("GLIBC_TUNABLES", tunables(adding: before), 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: the program could not be started again; it goes on with ordinary pages.
        if let before { setenv("GLIBC_TUNABLES", before, 1) } else { unsetenv("GLIBC_TUNABLES") }
        #endif
    }

    static let kernelSettingPath = "/sys/kernel/mm/transparent_hugepage/enabled"
}

extension HealthCheck {
    /// Whether the models' memory comes in huge pages (``HugePageMemory``); never a failure.
    public static func hugePages(_ state: HugePageMemory.State) -> HealthCheck {
        let name = "huge pages"
        switch state {
        case .on(let tunables):
            return HealthCheck(name: name, status: .ok, detail: "the models' memory in transparent huge pages (GLIBC_TUNABLES=\(tunables))")
        case .turnedOff(let setting):
            return HealthCheck(name: name, status: .ok, detail: "off (\(setting)): ordinary pages, a model's first run is slower")
        case .unavailable(let reason):
            return HealthCheck(name: name, status: .warning, detail: "ordinary pages: \(reason); a model's first run is slower",
                               fix: "Allow them: echo madvise | sudo tee \(HugePageMemory.kernelSettingPath)")
        case .notLinux:
            return HealthCheck(name: name, status: .ok, detail: "left to the system (they are a Linux setting)")
        case .notYet:
            return HealthCheck(name: name, status: .warning, detail: "ordinary pages: Glimpse could not start itself again with them",
                               fix: "Set GLIBC_TUNABLES=\(HugePageMemory.tunables(adding: nil)) in the environment.")
        }
    }
}
