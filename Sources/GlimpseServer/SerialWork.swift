import Dispatch
import GlimpseRuntime

/// A thread of its own for blocking work (a search, decoding a photo), so that it never occupies the
/// threads that serve connections. Work runs one item at a time, in the order it was submitted.
final class SerialWork: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `work` on this thread and returns its result to the awaiting task.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// Several `SerialWork` threads taking turns: independent blocking jobs (thumbnails of a results page)
/// run side by side, on at most `count` threads.
final class ParallelWork: Sendable {
    private let workers: [SerialWork]
    private let turn = Locked(0)

    init(label: String, count: Int) {
        workers = (0..<max(1, count)).map { SerialWork(label: "\(label).\($0)") }
    }

    /// Runs `work` on the next thread in turn.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        let index = turn.withLock { turn in
            defer { turn = (turn + 1) % workers.count }
            return turn
        }
        return try await workers[index].run(work)
    }
}
