import GlimpseIndex

/// The small closed word lists the query parser needs: negation cues, clause connectors, stop words
/// and the fillers people put in front of a search ("a photo of", "show me").
enum QueryVocabulary {
    /// Words that start a negated clause.
    static let cues: Set<String> = [
        "no", "not", "without", "excluding", "exclude", "except", "minus", "none", "nor", "never", "sans", "lacking",
        "isn't", "aren't", "doesn't", "don't", "wasn't", "weren't", "shouldn't", "w/o", "neither",
    ]

    /// Words that end a negated clause and start a positive one ("no people, and a dog": "and").
    static let negationEnders: Set<String> = [
        "but", "and", "with", "while", "that", "which", "where", "who", "whereas", "yet", "plus", "also", "instead",
    ]

    /// Words that only link clauses: dropped from the end of a positive run before a negated clause
    /// ("a dog with no collar" → "a dog").
    static let connectors: Set<String> = [
        "but", "and", "with", "or", "that", "which", "while", "where", "is", "are", "has", "have", "having", "there",
        "it", "yet", "also", "showing", "contains", "containing", "should", "be", "was", "were", "any", "in", "of", "at",
    ]

    /// Function words: never searched for.
    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "without",
        "into", "onto", "over", "under", "near", "next", "up", "down", "out", "off", "about", "as", "than", "then",
        "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do", "does", "did",
        "it", "its", "it's", "this", "that", "these", "those", "there", "here", "which", "who", "whom", "whose",
        "what", "where", "when", "while", "how", "why", "some", "any", "all", "each", "every", "both", "either",
        "i", "me", "my", "we", "our", "you", "your", "he", "she", "him", "her", "his", "they", "them", "their",
        "very", "so", "too", "just", "only", "also", "such", "can", "could", "would", "should", "will", "may",
        "might", "must", "shall", "not", "no", "nor", "yet", "plus", "someone", "something", "anything",
        "and/or", "etc", "s", "t",
    ]

    /// Words that say "search for" rather than what to find.
    static let fillers: Set<String> = [
        "photo", "photos", "photograph", "picture", "pictures", "pic", "image", "images", "show", "find", "search",
        "looking", "want", "please",
    ]

    /// The words that say when a photo was taken ("last summer", "two years ago": `QueryDates`).
    static let dateWords: Set<String> = [
        "today", "yesterday", "week", "weekend", "month", "year", "ago", "past", "last", "since", "before", "after", "between",
        "during", "spring", "summer", "autumn", "fall", "winter", "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    ]

    /// The cues and date words of letters only, as spelling suggestions for a query word nothing in the index
    /// holds ("wtihout", "yesturday").
    static let querySuggestions = SuggestionVocabulary(cues.union(dateWords).filter { $0.allSatisfy(\.isLetter) }.map { (word: $0, images: 0) })

    static func isCue(_ word: String) -> Bool { cues.contains(word) }
    static func endsNegation(_ word: String) -> Bool { negationEnders.contains(word) }
    static func isConnector(_ word: String) -> Bool { connectors.contains(word) }
    static func isStopWord(_ word: String) -> Bool { stopWords.contains(word) }
    static func isFiller(_ word: String) -> Bool { fillers.contains(word) }
}
