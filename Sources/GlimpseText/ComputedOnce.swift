import Foundation

/// A value computed on first use and shared afterwards, safe to ask from several threads at once.
final class ComputedOnce<Value>: @unchecked Sendable {
    // Guarded by `lock`.
    private var value: Value?
    private let lock = NSLock()

    /// The value, computed by `make` if this is the first call.
    func get(_ make: () throws -> Value) rethrows -> Value {
        try lock.withLock {
            if let value { return value }
            let made = try make()
            value = made
            return made
        }
    }
}
