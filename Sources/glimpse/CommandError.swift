import Foundation

/// A failure a command explains in one sentence with what to do (printed without the usage text).
struct CommandError: LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}
