/// A word of a query that no description, tag or file name in the index holds, with the word it was
/// probably meant to be.
public struct UnknownWord: Sendable, Hashable, Codable {
    /// The word as typed (lowercased).
    public var word: String
    /// The indexed word nearest in spelling — at most one edit away for words of up to four letters, two
    /// for longer ones; of several, the one in most images — or nil when none is that near.
    public var suggestion: String?

    public init(word: String, suggestion: String?) {
        self.word = word
        self.suggestion = suggestion
    }
}

/// The words suggestions are drawn from — the keywords of the descriptions (lemmas such as `dog`,
/// `bicycle`; compounds left out), the words of tagged people and keywords, place names — with the number
/// of images that hold each.
public struct SuggestionVocabulary: Sendable {
    /// Words by length in Unicode scalars, each with its image count.
    private var byLength: [Int: [(word: [Unicode.Scalar], images: Int)]] = [:]

    public init(_ words: [(word: String, images: Int)]) {
        for (word, images) in words {
            let scalars = Array(word.unicodeScalars)
            byLength[scalars.count, default: []].append((scalars, images))
        }
    }

    /// How many edits a typed word may be from its suggestion; 0 for words too short to guess at.
    static func allowance(forLength length: Int) -> Int {
        switch length {
        case ..<3: 0
        case 3...4: 1
        default: 2
        }
    }

    /// The nearest word to `typed` within its allowance: fewest edits, then most images, then first in
    /// alphabetical order; nil when there is none.
    public func suggestion(for typed: String) -> String? {
        let wanted = Array(typed.lowercased().unicodeScalars)
        let allowance = Self.allowance(forLength: wanted.count)
        guard allowance > 0 else { return nil }
        var best: (edits: Int, images: Int, word: String)?
        for length in (wanted.count - allowance)...(wanted.count + allowance) {
            for candidate in byLength[length] ?? [] {
                guard let edits = Self.edits(wanted, candidate.word, limit: allowance), edits > 0 else { continue }
                let word = String(String.UnicodeScalarView(candidate.word))
                if let current = best,
                   (current.edits, -current.images, current.word) <= (edits, -candidate.images, word) { continue }
                best = (edits, candidate.images, word)
            }
        }
        return best?.word
    }

    /// The optimal string alignment distance between `a` and `b` (insertions, deletions, substitutions,
    /// and swaps of two neighbouring letters: `dgo` is one edit from `dog`); nil when above `limit`.
    static func edits(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowBest = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                rowBest = min(rowBest, value)
            }
            guard rowBest <= limit else { return nil }
            (before, previous, current) = (previous, current, before)
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        return distance <= limit ? distance : nil
    }
}
