import Foundation
import GlimpseIndex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws an index run's progress on standard error: a one-line bar (count, rate, ETA, stage, file)
/// redrawn in place on a terminal; plain lines, one per file, otherwise (logs, pipes).
final class IndexProgressBar: @unchecked Sendable {
    // Every access to the mutable state below goes through `lock`.
    private let lock = NSLock()
    private let isTerminal: Bool
    private var total = 0
    private var done = 0
    private var rate = IndexRate()
    private var started: ContinuousClock.Instant?
    private var lastDraw: ContinuousClock.Instant?
    private var stage = "scanning"
    private var path = ""
    private var drawn = false

    private let quietWhenIdle: Bool

    /// - Parameter quietWhenIdle: say nothing about a run with nothing to do (the passes of `--watch`).
    init(isTerminal: Bool = isatty(STDERR_FILENO) != 0, quietWhenIdle: Bool = false) {
        self.isTerminal = isTerminal
        self.quietWhenIdle = quietWhenIdle
    }

    func handle(_ event: IndexEvent) {
        lock.withLock {
            switch event {
            case .scanning:
                if !isTerminal && !quietWhenIdle { write("scanning…\n") }
            case let .planned(plan):
                total = plan.toProcess
                rate.start(total: total)
                started = .now
                if quietWhenIdle && plan.toProcess == 0 && plan.missing == 0 { return }
                let line = "found \(plan.found) image(s): \(plan.toProcess) to process, \(plan.unchanged) unchanged, \(plan.missing) gone"
                if isTerminal { clear() }
                write(line + "\n")
            case let .stage(path, _, _, stage):
                guard stage == .describing || stage == .reading else { return }
                self.stage = stage.rawValue
                self.path = TerminalText.escaped(path)
                if isTerminal { draw(force: false) }
            case let .describedTogether(indices, total):
                rate.describedAhead(indices, total: total)
            case let .finished(path, index, total, outcome):
                done = index + 1
                self.total = total
                rate.saved(index: index, total: total)
                if isTerminal {
                    if case let .failed(message) = outcome {
                        clear()
                        write("failed: \(TerminalText.escaped(path)): \(TerminalText.escaped(message))\n")
                    }
                    draw(force: done == total)
                } else {
                    write("[\(done)/\(total)] \(Self.describe(outcome)) \(TerminalText.escaped(path))\(rateText().map { "  (\($0))" } ?? "")\n")
                }
            case .enteringFolder:
                return
            case let .readingDates(done, total):
                // Once per index made before dates were stored.
                showPass("reading when \(total) photo(s) indexed before were taken", done: done, total: total)
            case let .readingTags(done, total):
                showPass("reading the tags of \(total) unchanged photo(s)", done: done, total: total)
            case .completed:
                if isTerminal && drawn {
                    clear()
                }
            }
        }
    }

    /// Leaves the terminal on a fresh line.
    func finish() {
        lock.withLock { if isTerminal && drawn { clear() } }
    }

    static func describe(_ outcome: FileOutcome) -> String {
        switch outcome {
        case let .described(mode): return "described (\(mode.rawValue))"
        case .enriched: return "enriched"
        case .retagged: return "tags read again (the picture is unchanged)"
        case let .moved(from): return "moved from \(TerminalText.escaped(from)) to"
        case let .copied(from): return "same as \(TerminalText.escaped(from)):"
        case let .restored(from): return "description kept from \(TerminalText.escaped(from)) taken back for"
        case .unchanged: return "unchanged"
        case let .failed(message): return "failed (\(TerminalText.escaped(message)))"
        }
    }

    // MARK: Drawing (called with the lock held)

    private func rateText() -> String? {
        guard let started else { return nil }
        return rate.text(afterSeconds: (ContinuousClock.now - started) / .seconds(1))
    }

    /// A pass over unchanged files after the others: one line redrawn in place on a terminal, else a line
    /// when it starts.
    private func showPass(_ what: String, done: Int, total: Int) {
        if isTerminal {
            clear()
            write("\(what): \(done)/\(total)")
            drawn = true
        } else if done == 0 {
            write("\(what)…\n")
        }
    }

    private func draw(force: Bool) {
        let now = ContinuousClock.now
        if !force, let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let width = Self.terminalWidth()
        let fraction = total > 0 ? Double(done) / Double(total) : 0
        let barWidth = 24
        let filled = Int(fraction * Double(barWidth))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        var line = "\(bar) \(done)/\(total)"
        if let rate = rateText() { line += "  \(rate)" }
        line += "  \(stage) "
        let room = width - line.count - 1
        if room > 8 {
            line += path.count > room ? "…" + String(path.suffix(room - 1)) : path
        }
        write("\r\u{1B}[2K" + line)
        drawn = true
    }

    private func clear() {
        write("\r\u{1B}[2K")
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60) }
        return String(format: "%d:%02d", total / 60, total % 60)
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 80
    }
}
