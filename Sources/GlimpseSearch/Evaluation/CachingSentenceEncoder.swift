import Foundation
import GlimpseDescribe

/// Remembers the vectors of texts it has embedded: an evaluation runs every query through several
/// configurations, and the query text (hence its vector) is the same each time.
public final class CachingSentenceEncoder: SentenceEncoding, @unchecked Sendable {
    public let base: any SentenceEncoding
    private var cache: [String: [Float]] = [:]
    private let lock = NSLock()

    public init(_ base: any SentenceEncoding) {
        self.base = base
    }

    public func embed(sentences: [String]) throws -> [[Float]] {
        let missing = lock.withLock { Array(Set(sentences.filter { cache[$0] == nil })) }
        if !missing.isEmpty {
            let vectors = try base.embed(sentences: missing)
            lock.withLock { for (text, vector) in zip(missing, vectors) { cache[text] = vector } }
        }
        return lock.withLock { sentences.map { cache[$0] ?? [] } }
    }
}
