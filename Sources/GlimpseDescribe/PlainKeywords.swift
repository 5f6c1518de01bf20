import GlimpseText

/// A minimal keyword extractor: lower-cased words that are not in a short list of function words, no
/// lemmas and no compounds. A stand-in for when no lexicon-based extractor is available; Glimpse uses
/// GlimpseText's WordNet extractor where it can.
public struct PlainKeywords: KeywordExtracting {
    public init() {}

    public func keywords(in text: String) -> Keywords {
        var words: [String] = []
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        where !Self.functionWords.contains(word) && !words.contains(word) {
            words.append(word)
        }
        return Keywords(words: words)
    }

    static let functionWords: Set<String> = [
        "a", "an", "the", "of", "on", "in", "at", "to", "with", "and", "or", "is", "are", "it", "its", "there", "this",
        "that", "by", "for", "from", "up", "close", "next", "near", "some", "his", "her", "their", "has", "have",
    ]
}
