import Foundation

/// A word's part of speech in context, as far as keywords need it.
enum KeywordTag: Sendable, Equatable {
    case noun, verb, adjective, number
    /// Adverbs, function words and punctuation: never keywords, end noun phrases.
    case other
}

/// A token with its tag and lemma.
struct TaggedToken: Sendable {
    var token: KeywordToken
    var tag: KeywordTag
    /// The base form in its tagged part of speech (`dogs` → `dog`, `lying` → `lie`).
    var lemma: String
    /// The verb lemma of a participle used as a modifier (`sleeping cat` → `sleep`), else nil.
    var verbLemma: String?
    /// Whether this word and the next form a WordNet collocation (`cutting board`).
    var startsCollocation = false
    /// Whether the tagger read this word as a modifier of the next (`blue` in `blue collar`).
    var isModifier = false
    var text: String { token.text }
}

/// Readings of words seen before: captions use a small vocabulary, and lemmatising a word costs
/// several lexicon lookups. Bounded; safe to share between threads.
final class ReadingsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var readings: [String: WordReadings] = [:]
    private let limit: Int

    init(limit: Int = 50_000) {
        self.limit = limit
    }

    func readings(of word: String, compute: (String) -> WordReadings) -> WordReadings {
        lock.lock()
        let known = readings[word]
        lock.unlock()
        if let known { return known }
        let computed = compute(word)
        lock.lock()
        if readings.count >= limit { readings.removeAll(keepingCapacity: true) }
        readings[word] = computed
        lock.unlock()
        return computed
    }
}

/// What the lexicon offers for one word: its base form as each part of speech, with priors.
struct WordReadings: Sendable {
    var noun: String?
    var verb: String?
    var adjective: String?
    /// (tagged senses, senses) of the base form per part of speech, for tie-breaking.
    var nounPrior = (0, 0), verbPrior = (0, 0), adjectivePrior = (0, 0)
    /// WordNet does not know the word at all (`selfie`, brand names): read as a noun.
    var unknown = false

    init(_ word: String, lemmatizer: Lemmatizer) {
        let lexicon = lemmatizer.lexicon
        func prior(_ lemma: String?, _ pos: PartOfSpeech) -> (Int, Int) {
            guard let lemma, let entry = lexicon.entry(forKey: lemma) else { return (0, 0) }
            return (entry.taggedSenseCount(pos), entry.senseCount(pos))
        }
        noun = lemmatizer.lemma(of: word, as: .noun)
        verb = lemmatizer.lemma(of: word, as: .verb)
        // BLIP writes "laying" for "lying"; read it as lie so that captions meet queries.
        if word == "laying" { verb = "lie" }
        adjective = lemmatizer.lemma(of: word, as: .adjective)
        nounPrior = prior(noun, .noun)
        verbPrior = prior(verb, .verb)
        adjectivePrior = prior(adjective, .adjective)
        unknown = noun == nil && verb == nil && adjective == nil && lemmatizer.lemma(of: word, as: .adverb) == nil
            && word.utf8.count > 1
    }

    var canBeNoun: Bool { noun != nil || unknown }
    var canBeVerb: Bool { verb != nil }
    var canBeAdjective: Bool { adjective != nil }
    var isOpenClass: Bool { canBeNoun || canBeVerb || canBeAdjective }
}

/// Rule-based tagging for caption and query phrases: determiners start noun phrases, a word before
/// a noun modifies it, `-ing`/`-ed` forms after a noun are verbs (`a dog lying on a couch`), and the
/// lexicon's sense counts break the remaining ties.
struct KeywordTagger: Sendable {
    let lemmatizer: Lemmatizer
    private let cache = ReadingsCache()

    init(lemmatizer: Lemmatizer) {
        self.lemmatizer = lemmatizer
    }

    func tag(_ tokens: [KeywordToken]) -> [TaggedToken] {
        let readings: [WordReadings?] = tokens.map { token in
            token.kind == .word ? cache.readings(of: token.text) { WordReadings($0, lemmatizer: lemmatizer) } : nil
        }
        // A collocation whose second word is an adjective before a noun is not one here ("small
        // white dog" is no small_white, a butterfly); of two overlapping ones the later wins ("red
        // fire truck" is a fire_truck, no red_fire).
        var collocations = [Bool](repeating: false, count: tokens.count + 1)
        for i in stride(from: tokens.count - 2, through: 0, by: -1)
        where tokens[i].kind == .word && tokens[i + 1].kind == .word && !collocations[i + 1] {
            collocations[i] = isCollocation(tokens[i].text, tokens[i + 1].text, readings[i + 1])
                && !(readings[i + 1]?.canBeAdjective == true && isNounLike(i + 2, tokens, readings))
        }
        var tagged: [TaggedToken] = []
        tagged.reserveCapacity(tokens.count)
        for (i, token) in tokens.enumerated() {
            guard let reading = readings[i] else {
                tagged.append(TaggedToken(token: token, tag: token.kind == .number ? .number : .other, lemma: token.text))
                continue
            }
            let collocation = collocations[i]
            let (tag, isModifier) = chooseTag(i, reading, tokens, readings, tagged, collocation: collocation)
            var lemma: String
            switch tag {
            case .noun: lemma = reading.noun ?? token.text
            case .verb: lemma = reading.verb ?? token.text
            case .adjective: lemma = reading.adjective ?? token.text
            case .number, .other: lemma = token.text
            }
            var item = TaggedToken(token: token, tag: tag, lemma: lemma, startsCollocation: collocation, isModifier: isModifier)
            if tag != .verb, !collocation, let verb = reading.verb, isVerbal(i, tokens, reading), verb != lemma {
                item.verbLemma = verb
            }
            tagged.append(item)
        }
        return tagged
    }

    /// Whether `first next` is a WordNet noun or adjective collocation, the second word as written
    /// or as its noun base form (`cutting boards` → `cutting_board`).
    func isCollocation(_ first: String, _ next: String, _ nextReading: WordReadings?) -> Bool {
        let lexicon = lemmatizer.lexicon
        if lexicon.entry(forKey: first + "_" + next) != nil { return true }
        if let base = nextReading?.noun, base != next, lexicon.entry(forKey: first + "_" + base) != nil { return true }
        return false
    }

    static func isParticiple(_ word: String) -> Bool {
        word.utf8.count > 4 && (word.hasSuffix("ing") || word.hasSuffix("ed"))
    }

    /// Whether word `i` reads as a participle verb: an -ing/-ed form with a verb reading, unless it
    /// is a noun first (`building`, `painting`) and no determiner or pronoun follows.
    func isVerbal(_ i: Int, _ tokens: [KeywordToken], _ reading: WordReadings) -> Bool {
        let word = tokens[i].text
        guard reading.canBeVerb, Self.isParticiple(word) else { return false }
        guard FunctionWord.ingNouns.contains(word) else { return true }
        guard i + 1 < tokens.count else { return false }
        return tokens[i + 1].kind == .function(.determiner) || tokens[i + 1].kind == .function(.other)
    }

    /// A word that will read as a noun: it can be one, is not a participle verb ("a dog lying") and
    /// not a verb in -s before a preposition or determiner after a noun ("a dog runs on", but "black
    /// pants on").
    private func isNounLike(_ j: Int, _ tokens: [KeywordToken], _ readings: [WordReadings?]) -> Bool {
        guard j < tokens.count, let reading = readings[j], reading.canBeNoun else { return false }
        let next: KeywordToken.Kind = j + 1 < tokens.count ? tokens[j + 1].kind : .boundary
        if isVerbal(j, tokens, reading) {
            // "cutting board" stays nominal.
            return next == .word && isCollocation(tokens[j].text, tokens[j + 1].text, readings[j + 1])
        }
        let afterAdjective = j > 0 && readings[j - 1]?.canBeAdjective == true
        if reading.canBeVerb, !afterAdjective, tokens[j].text.hasSuffix("s"), reading.verbPrior >= reading.nounPrior,
           next == .function(.preposition) || next == .function(.determiner) || next == .boundary {
            return false
        }
        return true
    }

    /// The tag of word `i`, and whether it modifies the next word.
    private func chooseTag(
        _ i: Int, _ reading: WordReadings, _ tokens: [KeywordToken], _ readings: [WordReadings?],
        _ tagged: [TaggedToken], collocation: Bool
    ) -> (KeywordTag, Bool) {
        guard reading.isOpenClass else { return (.other, false) }
        let (n, a) = (reading.canBeNoun, reading.canBeAdjective)
        let word = tokens[i].text
        let previous = tagged.last
        let afterNominal = previous?.token.kind == .function(.determiner) || previous?.tag == .number
            || previous?.tag == .adjective || previous?.isModifier == true
        // Before a noun, or first word of a collocation: a modifier (not after a noun when it is a
        // participle: "a man wearing glasses").
        let participleAfterNoun = isVerbal(i, tokens, reading) && previous?.tag == .noun && previous?.isModifier != true
        // "two dogs play": a plural noun modifies nothing.
        let pluralNoun = !a && reading.noun != nil && reading.noun != word
        if (n || a), collocation || (isNounLike(i + 1, tokens, readings) && !participleAfterNoun && !pluralNoun) {
            return (a ? .adjective : .noun, true)
        }
        return (chooseHeadTag(i, reading, tokens, tagged, afterNominal: afterNominal), false)
    }

    /// The tag of a word that modifies nothing.
    private func chooseHeadTag(
        _ i: Int, _ reading: WordReadings, _ tokens: [KeywordToken], _ tagged: [TaggedToken], afterNominal: Bool
    ) -> KeywordTag {
        let (n, v, a) = (reading.canBeNoun, reading.canBeVerb, reading.canBeAdjective)
        if n && !v && !a { return .noun }
        if v && !n && !a { return .verb }
        if a && !n && !v { return .adjective }
        let word = tokens[i].text
        let previous = tagged.last
        let nextText = i + 1 < tokens.count ? tokens[i + 1].text : ""
        if previous?.token.kind == .function(.auxiliary) {
            if v && (Self.isParticiple(word) || previous?.text == "to") { return .verb }
            return a ? .adjective : (n ? .noun : .verb)
        }
        if !afterNominal, isVerbal(i, tokens, reading) { return .verb }
        // "a pile of leaves": after a preposition comes a noun phrase.
        if previous?.token.kind == .function(.preposition), n { return .noun }
        if afterNominal {
            // "a red and white bus": coordinated colours are adjectives.
            if a, !n || nextText == "and" || nextText == "or" || reading.adjectivePrior > reading.nounPrior {
                return .adjective
            }
            return n ? .noun : .adjective
        }
        // "a cat and dog": the second conjunct mirrors the first.
        if let previous, previous.text == "and" || previous.text == "or", tagged.count >= 2 {
            let before = tagged[tagged.count - 2].tag
            if before == .noun, n { return .noun }
            if before == .adjective, a { return .adjective }
        }
        // After a noun, an -s form or a word before a determiner is a verb ("a cat sits on", "holds a").
        if previous?.tag == .noun, v {
            let nextKind = i + 1 < tokens.count ? tokens[i + 1].kind : .boundary
            if nextKind == .function(.determiner) || (word.hasSuffix("s") && reading.verbPrior >= reading.nounPrior) {
                return .verb
            }
        }
        var best: (KeywordTag, (Int, Int)) = (.noun, n ? reading.nounPrior : (-1, -1))
        if v, reading.verbPrior > best.1 { best = (.verb, reading.verbPrior) }
        if a, reading.adjectivePrior > best.1 { best = (.adjective, reading.adjectivePrior) }
        return best.0
    }
}
