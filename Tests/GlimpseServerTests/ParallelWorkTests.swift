import Dispatch
import Foundation
import Testing
@testable import GlimpseServer

/// `ParallelWork`: jobs run side by side, on no more threads than asked for.
@Suite("server: parallel work")
struct ParallelWorkTests {
    @Test("two jobs on two threads run at the same time; on one thread, one after the other")
    func sideBySide() async throws {
        for (threads, together) in [(2, true), (1, false)] {
            let work = ParallelWork(label: "test", count: threads)
            let started = DispatchSemaphore(value: 0)
            // The first job waits (briefly) for the second to start: it can only if they run side by side.
            async let first = work.run { started.wait(timeout: .now() + 1) == .success }
            try await Task.sleep(for: .milliseconds(50))
            async let second: Void = work.run { started.signal() }
            let (met, _) = try await (first, second)
            #expect(met == together, "\(threads) thread(s)")
        }
    }
}
