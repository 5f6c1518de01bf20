import Foundation
import GlimpseDescribe

/// Embeddings of texts a searcher encoded lately (query prompts, negated concepts, the neutral prompt,
/// sentences), so that the same text is not encoded twice: the next page of a query, the same query
/// with strict negation, a query asked again. Holds at most `capacity` texts; the least recently used
/// goes first.
///
/// Shared by copies of a ``Searcher``, which all use the same models.
final class RecentTextEmbeddings: @unchecked Sendable {  // state behind `lock`
    private struct Entry {
        var vector: [Float]
        var lastUse: UInt64
    }

    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int = 256) { self.capacity = capacity }

    /// The vectors held for any of `texts`.
    func vectors(for texts: [String]) -> [String: [Float]] {
        lock.withLock {
            var found: [String: [Float]] = [:]
            for text in texts {
                guard var entry = entries[text] else { continue }
                clock += 1
                entry.lastUse = clock
                entries[text] = entry
                found[text] = entry.vector
            }
            return found
        }
    }

    func remember(_ vectors: [String: [Float]]) {
        lock.withLock {
            for (text, vector) in vectors {
                clock += 1
                entries[text] = Entry(vector: vector, lastUse: clock)
            }
            while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                entries[oldest.key] = nil
            }
        }
    }

    /// How many texts are held.
    var count: Int { lock.withLock { entries.count } }
}

/// A sentence encoder that answers from `cache` the sentences it encoded lately.
struct CachedSentenceEncoding: SentenceEncoding {
    let base: any SentenceEncoding
    let cache: RecentTextEmbeddings

    func embed(sentences: [String]) throws -> [[Float]] {
        let known = cache.vectors(for: sentences)
        let missing = Array(Set(sentences.filter { known[$0] == nil })).sorted()
        let fresh = missing.isEmpty ? [:] : Dictionary(zip(missing, try base.embed(sentences: missing)), uniquingKeysWith: { a, _ in a })
        cache.remember(fresh)
        return sentences.map { known[$0] ?? fresh[$0]! }
    }
}
