import Foundation

/// Keywords of captions, descriptions and queries, from WordNet and rules for BLIP's phrasing.
///
/// - Words: lemmatised nouns, verbs and adjectives (`dogs` → `dog`, `lying` → `lie`, BLIP's
///   `laying` → `lie`), and numbers that count a noun (`2` → `two`). Function words, adverbs,
///   BLIP's artefacts (`araffe`), frames (`a close up of`, `there is a picture of`) and counting
///   nouns (`a couple of`) are not keywords. A participle used as a modifier also yields its verb
///   (`a sleeping cat` → `sleeping`, `sleep`, `cat`), so it meets `a cat sleeping`.
/// - Compounds, inside one noun phrase (a run of numbers, adjectives and nouns):
///   - WordNet collocations of two words: `cutting board` → `cutting-board`, `hot dogs` → `hot-dog`;
///   - the head noun (the phrase's last noun) with its immediate modifier, the head as lemma:
///     `blue collars` → `blue-collar`, and in BLIP's run-on `a couch cartoon dog` only
///     `cartoon-dog`; adjectives stacked before the head pair with it too (`small white dog` →
///     `small-dog`, `white-dog`); a style head (`cartoon`, `illustration`, `drawing`, ...) takes a
///     noun modifier only when that is a style or medium word too (`cartoon-illustration`,
///     `pencil-drawing`, never `couch-cartoon`);
///   - a number with the head as written: `two cats` → `two-cats`, `2 cats` → `two-cats`
///     (the number already says singular or plural; keeping the plural reads as English).
///   Not compounds: colour pairs joined by `and` (`a black and white cat` names neither a black
///   nor a white cat), plural nouns before a noun (`dogs play`), and a word with itself.
///
/// The same extractor serves descriptions and queries, so `blue collar`, `blue collars` and
/// `blue-collar` all give `blue-collar`.
public struct KeywordExtractor: KeywordExtracting {
    public let lexicon: Lexicon
    private let tagger: KeywordTagger

    public init(lexicon: Lexicon) {
        self.lexicon = lexicon
        self.tagger = KeywordTagger(lemmatizer: Lemmatizer(lexicon: lexicon))
    }

    /// The extractor over `Lexicon.standard(compiledCache:)`.
    public static func standard(compiledCache: URL? = nil) throws -> KeywordExtractor {
        KeywordExtractor(lexicon: try Lexicon.standard(compiledCache: compiledCache))
    }

    public func keywords(in text: String) -> Keywords {
        let tagged = tagger.tag(KeywordTokenizer.tokens(text))
        var words = OrderedSet()
        var compounds = OrderedSet()
        var start = 0
        while start < tagged.count {
            guard Self.isPhraseWord(tagged[start].tag) else {
                if tagged[start].tag == .verb { words.insert(tagged[start].lemma) }
                start += 1
                continue
            }
            var end = start
            while end < tagged.count, Self.isPhraseWord(tagged[end].tag) { end += 1 }
            addPhrase(tagged, start..<end, words: &words, compounds: &compounds)
            start = end
        }
        return Keywords(words: words.items, compounds: compounds.items)
    }

    private static func isPhraseWord(_ tag: KeywordTag) -> Bool {
        tag == .noun || tag == .adjective || tag == .number
    }

    /// Words and compounds of one run of numbers, adjectives and nouns.
    private func addPhrase(
        _ tagged: [TaggedToken], _ range: Range<Int>, words: inout OrderedSet, compounds: inout OrderedSet
    ) {
        let head = range.last { tagged[$0].tag == .noun }
        for i in range where tagged[i].tag != .number || head.map({ i < $0 }) == true {
            words.insert(tagged[i].lemma)
            if let verb = tagged[i].verbLemma, i != head { words.insert(verb) }
        }
        guard let head else { return }
        let headWord = tagged[head]
        // Collocations inside the phrase, up to the head.
        for i in range.lowerBound..<head where tagged[i].startsCollocation && tagged[i].tag != .number {
            // WordNet's spelling ("sports-car"): its parts are words too.
            let (first, second) = collocationParts(tagged[i], tagged[i + 1])
            words.insert(first)
            words.insert(second)
            compounds.insert(first + "-" + second)
        }
        // The number counting the head.
        if let number = range.first(where: { tagged[$0].tag == .number && $0 < head }) {
            compounds.insert(tagged[number].text + "-" + headWord.text)
        }
        let m = head - 1
        guard m >= range.lowerBound, tagged[m].tag != .number, !tagged[m].startsCollocation else { return }
        let modifier = tagged[m]
        // "living room couch": "room" belongs to its collocation, not to "couch".
        if m > range.lowerBound, tagged[m - 1].startsCollocation { return }
        if modifier.lemma == headWord.lemma { return }
        if modifier.tag == .noun {
            let styleHead = FunctionWord.styleNouns.contains(headWord.lemma)
            if styleHead, !FunctionWord.styleNouns.contains(modifier.lemma) { return }
            // "dogs play": a plural noun does not modify the next one.
            if modifier.text != modifier.lemma, lexicon.entry(forKey: modifier.text) == nil { return }
        }
        // "a black and white cat": the colours are coordinated, neither is the cat's.
        if m == range.lowerBound, m >= 2, ["and", "or"].contains(tagged[m - 1].text),
           tagged[m - 2].tag == .adjective {
            return
        }
        compounds.insert(modifier.lemma + "-" + headWord.lemma)
        guard modifier.tag == .adjective else { return }
        var k = m - 1
        while k >= range.lowerBound, tagged[k].tag == .adjective {
            if tagged[k].lemma != headWord.lemma { compounds.insert(tagged[k].lemma + "-" + headWord.lemma) }
            k -= 1
        }
    }

    /// `cutting board(s)` → (`cutting`, `board`): the collocation's words as WordNet spells them.
    private func collocationParts(_ first: TaggedToken, _ second: TaggedToken) -> (String, String) {
        let asWritten = first.text + "_" + second.text
        if lexicon.entry(forKey: asWritten) != nil, second.text == second.lemma || second.tag != .noun {
            return (first.text, second.text)
        }
        return (first.text, second.lemma)
    }
}

/// Strings in order of first insertion, without duplicates.
struct OrderedSet {
    private(set) var items: [String] = []
    private var seen: Set<String> = []

    func contains(_ item: String) -> Bool { seen.contains(item) }

    mutating func insert(_ item: String) {
        if seen.insert(item).inserted { items.append(item) }
    }
}
