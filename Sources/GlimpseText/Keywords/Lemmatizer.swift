/// Base forms of inflected English words, in the manner of WordNet's `morphy`: the exception list
/// first (`knives` → `knife`, `lying` → `lie`), then the word itself when WordNet lists it, then
/// suffix detachment rules for the part of speech (`dogs` → `dog`, `boxes` → `box`, `bigger` →
/// `big`), keeping only results that the lexicon lists as that part of speech.
///
/// Unlike morphy, a plural (or comparative) that WordNet also lists as a word of its own yields to
/// its base form when that has at least as many tagged senses (`eyes` → `eye`, `cows` → `cow`,
/// `windows` → `window`, `larger` → `large`; but `species` stays), and a short list of nouns used in the plural for one thing stays
/// as written: `glasses` → `glasses` (eyewear, what BLIP means by it almost always; a query for
/// "glasses" should not find wine glasses), likewise `pants`, `jeans`, `scissors`, `clothes`.
/// Beyond morphy, a doubled final consonant is undone (`sitting` → `sit`, `stopped` → `stop`) for
/// forms the exception list misses, and when several rules give a base form, the one with the most
/// tagged senses comes first (`swinging` → `swing`, not `swinge`).
public struct Lemmatizer: Sendable {
    public let lexicon: Lexicon

    public init(lexicon: Lexicon) {
        self.lexicon = lexicon
    }

    /// The lemmatizer over `Lexicon.standard()`.
    public static func standard() throws -> Lemmatizer { Lemmatizer(lexicon: try Lexicon.standard()) }

    /// Morphy's detachment rules: (suffix, replacement), tried in this order.
    private static let rules: [PartOfSpeech: [(String, String)]] = [
        .noun: [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                ("men", "man"), ("ies", "y")],
        .verb: [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        .adjective: [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        .adverb: [],
    ]

    /// Nouns used in the plural for one thing, kept as they are (`glasses` is eyewear, not two
    /// drinking glasses; `pants` is no pant).
    static let pluralOnlyNouns: Set<String> = [
        "glasses", "sunglasses", "eyeglasses", "spectacles", "goggles", "binoculars", "pants", "trousers",
        "jeans", "shorts", "tights", "leggings", "pajamas", "pyjamas", "overalls", "suspenders", "scissors",
        "clothes", "headphones", "earphones", "earbuds", "tongs", "pliers",
    ]

    /// Every base form of `word` as `pos` that the lexicon lists, best first (see the type's
    /// documentation for the order); empty when there is none. `word` is lower-cased first.
    public func lemmas(of word: String, as pos: PartOfSpeech) -> [String] {
        let form = Lexicon.key(word)
        var found: [String] = []
        func tagged(_ lemma: String) -> Int { lexicon.entry(forKey: lemma)?.taggedSenseCount(pos) ?? 0 }
        func add(_ candidate: String) {
            if !found.contains(candidate), lexicon.entry(forKey: candidate)?.has(pos) == true { found.append(candidate) }
        }
        if pos == .noun, Self.pluralOnlyNouns.contains(form) { found.append(form) }
        for base in lexicon.exceptionLists[pos.bitIndex][form] ?? [] { add(base) }
        let derived = derivedForms(form, pos)
        // Several rules may apply ("swinging": swinge, swing): the most used base form first.
        let ranked = derived.map { ($0, tagged($0)) }.sorted { $0.1 > $1.1 }
        if pos == .noun || pos == .adjective, lexicon.entry(forKey: form)?.has(pos) == true {
            // A plural or comparative WordNet also lists ("eyes", "cows", "windows", "larger") yields
            // to its base form unless it is the more used word ("species" is no "specie").
            let formTagged = tagged(form)
            for (lemma, count) in ranked where count >= formTagged { add(lemma) }
            add(form)
        } else {
            add(form)
        }
        for (lemma, _) in ranked { add(lemma) }
        return found
    }

    /// Base forms by the detachment rules that the lexicon lists as `pos`, in rule order.
    private func derivedForms(_ form: String, _ pos: PartOfSpeech) -> [String] {
        // Morphy leaves short words and nouns ending in "ss" alone ("glass" is not "glas" + s).
        guard form.utf8.count > 2, !(pos == .noun && form.hasSuffix("ss")) else { return [] }
        var derived: [String] = []
        func consider(_ candidate: String) {
            if !derived.contains(candidate), lexicon.entry(forKey: candidate)?.has(pos) == true { derived.append(candidate) }
        }
        for (suffix, replacement) in Self.rules[pos] ?? [] where form.hasSuffix(suffix) {
            let stem = String(form.dropLast(suffix.count))
            consider(stem + replacement)
            if replacement.isEmpty, pos != .noun, let single = Self.undoubled(stem) { consider(single) }
        }
        return derived
    }

    /// The best base form of `word` as `pos`, or nil when WordNet has none.
    public func lemma(of word: String, as pos: PartOfSpeech) -> String? {
        lemmas(of: word, as: pos).first
    }

    /// The base form of `word` in its most likely part of speech: among the parts of speech with a
    /// base form, the one whose base form has the most tagged senses in it, then the most senses,
    /// then noun, verb, adjective, adverb. Nil when WordNet knows no form of the word.
    public func lemma(of word: String) -> (lemma: String, partOfSpeech: PartOfSpeech)? {
        var best: (lemma: String, partOfSpeech: PartOfSpeech, tagged: Int, senses: Int)?
        for pos in PartOfSpeech.allCases {
            guard let lemma = lemma(of: word, as: pos), let entry = lexicon.entry(forKey: lemma) else { continue }
            let (tagged, senses) = (entry.taggedSenseCount(pos), entry.senseCount(pos))
            if let b = best, (b.tagged, b.senses) >= (tagged, senses) { continue }
            best = (lemma, pos, tagged, senses)
        }
        return best.map { ($0.lemma, $0.partOfSpeech) }
    }

    /// `stem` without its last letter when it ends in a doubled consonant other than l, s, z
    /// (`sitt` → `sit`, `stopp` → `stop`); nil otherwise.
    static func undoubled(_ stem: String) -> String? {
        let bytes = Array(stem.utf8)
        guard bytes.count >= 3, let last = bytes.last, last == bytes[bytes.count - 2],
              !"aeiouylsz".utf8.contains(last), last >= UInt8(ascii: "a"), last <= UInt8(ascii: "z")
        else { return nil }
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }
}
