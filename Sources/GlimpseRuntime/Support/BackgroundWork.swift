import Dispatch

/// Work started on another thread at once and waited for later: independent loads side by side (a
/// tokenizer's files parsed while a model's sessions are built, one model while another loads).
///
/// The work runs on a global dispatch queue, not on Swift's cooperative pool, so waiting for it from
/// synchronous code (or from an async function that must block) cannot starve that pool.
public final class BackgroundWork<Value: Sendable, Failure: Error>: @unchecked Sendable {
    // `outcome` is written once by the worker before it leaves `finished`, and read only after a
    // `wait()` on `finished` has returned: the group orders the two.
    private let finished = DispatchGroup()
    private var outcome: Result<Value, Failure>?

    /// Starts `work` now.
    public init(_ work: @escaping @Sendable () throws(Failure) -> Value) {
        finished.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            outcome = Result { () throws(Failure) in try work() }
            finished.leave()
        }
    }

    /// The work's value once it has finished, or the error it threw (work that cannot fail needs no
    /// `try`); may be asked more than once.
    public func value() throws(Failure) -> Value {
        finished.wait()
        return try outcome!.get()
    }
}
