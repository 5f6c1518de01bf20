import Foundation

/// CLIP embeddings of prompts that do not depend on the query (negation's neutral prompt), kept across
/// searches so the text tower does not encode them again: one row fewer in every negated search's batch.
///
/// Shared by copies of a ``Searcher``, which all use the same CLIP model. Holds at most `capacity`
/// prompts; a prompt beyond that is simply not kept.
final class FixedPromptEmbeddings: @unchecked Sendable {
    private let lock = NSLock()
    private var vectors: [String: [Float]] = [:]
    let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    func vector(for prompt: String) -> [Float]? { lock.withLock { vectors[prompt] } }

    func remember(_ vector: [Float], for prompt: String) {
        lock.withLock {
            if vectors[prompt] != nil || vectors.count < capacity { vectors[prompt] = vector }
        }
    }
}
