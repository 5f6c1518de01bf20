import Foundation
import GlimpseHub
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows download progress: one updating line on a terminal, a line per finished file otherwise.
final class PullReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var finished: Set<String> = []

    func report(_ progress: PullProgress) {
        lock.withLock {
            let key = "\(progress.repository)/\(progress.file)"
            let done = progress.totalBytes.map { progress.receivedBytes >= $0 } ?? false
            if isTerminal {
                guard done || ContinuousClock.now - lastDraw > .milliseconds(100) else { return }
                lastDraw = ContinuousClock.now
                let percent = progress.totalBytes.map { $0 > 0 ? " \(progress.receivedBytes * 100 / $0)%" : "" } ?? ""
                FileHandle.standardError.write(Data("\r\u{1B}[K\(progress.file): \(megabytes(progress.receivedBytes))\(progress.totalBytes.map { " of \(megabytes($0))" } ?? "")\(percent)".utf8))
            } else if done, finished.insert(key).inserted {
                FileHandle.standardError.write(Data("\(progress.repository): \(progress.file) \(megabytes(progress.receivedBytes))\n".utf8))
            }
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
