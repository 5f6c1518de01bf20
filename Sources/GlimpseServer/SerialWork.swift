import Dispatch

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
