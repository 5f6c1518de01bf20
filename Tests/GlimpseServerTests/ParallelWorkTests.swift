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
            let running = DispatchSemaphore(value: 0), secondRan = DispatchSemaphore(value: 0)
            // The first job waits for the second to run: it can only if they run side by side. On one thread
            // it cannot, whatever the wait, so a short one decides; on two a long one leaves room for a busy machine.
            async let first = work.run {
                running.signal()
                return secondRan.wait(timeout: .now() + (together ? 60 : 0.5)) == .success
            }
            await withCheckedContinuation { continuation in  // the first job holds its thread before the second is given
                DispatchQueue.global().async {
                    running.wait()
                    continuation.resume()
                }
            }
            async let second: Void = work.run { secondRan.signal() }
            let (met, _) = try await (first, second)
            #expect(met == together, "\(threads) thread(s)")
        }
    }
}
