import Foundation
import GlimpseText

/// Optional word pruning: deletes single words while CLIP prefers the shorter text.
///
/// Each round, every word whose deletion leaves the text's compound keywords unchanged is a candidate
/// (so "blue" of "blue collar" is never deleted, and no new compound is made by joining neighbours);
/// CLIP scores the current text and all candidates against the image in one batch, and the best
/// candidate replaces the text when it scores higher. Pruning stops when no deletion helps, after
/// `maxDeletions` deletions, or when one word is left.
struct WordPruning {
    /// The text after pruning.
    var text: String
    /// The deleted words, in the order they were deleted.
    var deleted: [String]

    init(text: String, imageEmbedding: [Float], embedder: any ImageTextEmbedding, keywords: any KeywordExtracting,
         maxDeletions: Int) throws {
        var tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var deleted: [String] = []
        let compounds = Set(keywords.keywords(in: text).compounds)
        while deleted.count < maxDeletions {
            let wordIndices = tokens.indices.filter { tokens[$0].contains(where: \.isLetter) }
            guard wordIndices.count > 1 else { break }
            let options = wordIndices.compactMap { index -> (index: Int, tokens: [String])? in
                let shorter = Self.deleting(index, from: tokens)
                guard Set(keywords.keywords(in: shorter.joined(separator: " ")).compounds) == compounds else { return nil }
                return (index, shorter)
            }
            guard !options.isEmpty else { break }
            let texts = [tokens.joined(separator: " ")] + options.map { $0.tokens.joined(separator: " ") }
            let vectors = try embedder.embed(texts: texts)
            guard vectors.count == texts.count else {
                throw DescribeError.modelOutputCount(role: "image-text embedder", expected: texts.count, got: vectors.count)
            }
            let scores = vectors.map { VectorMath.cosine($0, imageEmbedding) }
            var best = 1
            for candidate in 1..<scores.count where scores[candidate] > scores[best] { best = candidate }
            guard scores[best] > scores[0] else { break }
            deleted.append(Self.word(tokens[options[best - 1].index]))
            tokens = options[best - 1].tokens
        }
        self.text = tokens.joined(separator: " ")
        self.deleted = deleted
    }

    /// `tokens` without the token at `index`; punctuation after the deleted word moves to the word before.
    static func deleting(_ index: Int, from tokens: [String]) -> [String] {
        var result = tokens
        let token = result.remove(at: index)
        let trailing = String(token.reversed().prefix { !$0.isLetter && !$0.isNumber }.reversed())
        if !trailing.isEmpty, index > 0 { result[index - 1] += trailing }
        return result
    }

    /// The word of a token, without surrounding punctuation.
    static func word(_ token: String) -> String {
        token.trimmingCharacters(in: .letters.union(.decimalDigits).inverted)
    }
}
