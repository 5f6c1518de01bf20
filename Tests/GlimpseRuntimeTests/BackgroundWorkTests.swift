import Dispatch
import Testing
@testable import GlimpseRuntime

@Suite("Background work")
struct BackgroundWorkTests {
    struct Failure: Error, Equatable { var code: Int }

    @Test("runs while the caller goes on: the work waits for a signal the caller sends only after starting it")
    func runsConcurrently() throws {
        let signal = DispatchSemaphore(value: 0)
        // Run on the caller's thread, the work would wait 10 s for a signal not yet sent and return false.
        let work = BackgroundWork { signal.wait(timeout: .now() + 10) == .success }
        signal.signal()
        #expect(try work.value())
    }

    @Test("gives its value to every caller that asks")
    func valueTwice() throws {
        let work = BackgroundWork { (1...100).reduce(0, +) }
        #expect(try work.value() == 5050)
        #expect(try work.value() == 5050)
    }

    @Test("rethrows the work's error to the caller")
    func passesTheErrorOn() {
        let work = BackgroundWork { () throws -> Int in throw Failure(code: 7) }
        #expect(throws: Failure(code: 7)) { try work.value() }
        #expect(throws: Failure(code: 7)) { try work.value() }
    }

    @Test("several works started together all finish with their own values")
    func several() throws {
        let works = (0..<16).map { n in BackgroundWork { n * n } }
        #expect(try works.map { try $0.value() } == (0..<16).map { $0 * $0 })
    }
}
