import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `glimpse index --background`: the run yields the processor to everything else on the machine.
enum BackgroundPriority {
    /// The nice value of a background run: the lowest priority there is.
    static let niceValue: Int32 = 19

    /// Lowers the whole process to `niceValue`. On Linux both belong to each thread, so every thread there is
    /// now is lowered, and put in the idle scheduling class (`SCHED_IDLE`: it runs only on a processor nothing
    /// else wants); the threads made later inherit the class from the thread that makes them, even where the
    /// task pool sets their nice value again. The disk scheduler derives the lowest best-effort I/O priority
    /// from the nice value. Returns what could not be lowered, as a note; nil when all was.
    static func enter() -> String? {
        #if os(Linux)
        let threads = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { pid_t($0) }
        var parameters = sched_param(sched_priority: 0)
        let failed = threads.filter { thread in
            let lowered = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(thread), niceValue) == 0
            return sched_setscheduler(thread, idleScheduling, &parameters) != 0 || !lowered
        }
        guard threads.isEmpty || !failed.isEmpty else { return nil }
        return threads.isEmpty ? "could not list the process's threads (/proc/self/task), so the run keeps its priority"
            : "\(failed.count) of the process's \(threads.count) threads kept their priority (\(String(cString: strerror(errno))))"
        #else
        guard setpriority(PRIO_PROCESS, 0, niceValue) != 0 else { return nil }
        return "the run keeps its priority (\(String(cString: strerror(errno))))"
        #endif
    }

    #if os(Linux)
    /// `SCHED_IDLE` (`<bits/sched.h>`; Swift's Glibc module leaves it out).
    static let idleScheduling: Int32 = 5
    #endif
}
