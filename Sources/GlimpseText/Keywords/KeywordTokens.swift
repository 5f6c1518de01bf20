/// One token of caption or query text for keyword extraction.
struct KeywordToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// An open-class word (looked up in the lexicon).
        case word
        /// A number, spelled out (`2` → `two`) up to twenty.
        case number
        /// A function word (never a keyword).
        case function(FunctionWord)
        /// Punctuation or a possessive: noun phrases do not continue across it.
        case boundary
    }

    var text: String
    var kind: Kind

    var isBoundary: Bool { kind == .boundary }
}

/// Splits text into `KeywordToken`s and removes BLIP's filler: `araffe`-like artefacts, immediate
/// repeats (`dog dog`), frames (`a close up of`, `a picture of`, `there is an image of`), counting
/// nouns before `of` (`a couple of`, `a group of`) and the nouns of multi-word prepositions
/// (`in front of`, `on top of`, `next to`, `in the middle of`, `close to`).
enum KeywordTokenizer {
    static func tokens(_ text: String) -> [KeywordToken] {
        var raw: [KeywordToken] = []
        raw.reserveCapacity(24)
        var current = ""
        func flush() {
            if !current.isEmpty { appendWord(current, to: &raw) }
            current = ""
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                current.unicodeScalars.append(scalar)
            } else if v >= 0x41 && v <= 0x5A {
                current.unicodeScalars.append(Unicode.Scalar(v + 0x20)!)
            } else if v == 0x27 || v == 0x2D || v == 0x2019 {  // ' - ’ inside words
                if !current.isEmpty { current.unicodeScalars.append(v == 0x2D ? "-" : "'") }
            } else if v < 0x80 {
                flush()
                if v != 0x20, v != 0x09, v != 0x0A, v != 0x0D { appendBoundary(to: &raw) }
            } else if scalar.properties.isAlphabetic {
                current += String(scalar).lowercased()
            } else {
                flush()
                if !scalar.properties.isWhitespace { appendBoundary(to: &raw) }
            }
        }
        flush()
        return removeFiller(raw)
    }

    private static func appendBoundary(to tokens: inout [KeywordToken]) {
        if let last = tokens.last, last.isBoundary { return }
        tokens.append(KeywordToken(text: "", kind: .boundary))
    }

    /// One whitespace-separated piece: apostrophes, hyphens and digits resolved.
    private static func appendWord(_ piece: String, to tokens: inout [KeywordToken]) {
        var word = Substring(piece)
        while let last = word.last, last == "'" || last == "-" { word = word.dropLast() }
        guard !word.isEmpty else { return }
        if word.utf8.contains(0x27), let apostrophe = word.firstIndex(of: "'") {
            let base = String(word[..<apostrophe])
            let suffix = word[word.index(after: apostrophe)...]
            appendWord(base, to: &tokens)
            // "dog's nose": a possessive ends the noun phrase; "it's", "don't": nothing to keep.
            if suffix == "s", case .word? = tokens.last?.kind { appendBoundary(to: &tokens) }
            return
        }
        if word.utf8.contains(0x2D) {
            let parts = word.split(separator: "-")
            // Hyphenated words with a one-letter part stay whole (t-shirt, x-ray); others split, so
            // "blue-collar" and "blue collar", "close-up" and "close up" read the same.
            if parts.count > 1, !parts.contains(where: { $0.count == 1 }) {
                for part in parts { appendWord(String(part), to: &tokens) }
                return
            }
        }
        let text = String(word)
        if let digits = Int(text) {
            let spelled = digits >= 0 && digits < FunctionWord.spelledDigits.count
                ? FunctionWord.spelledDigits[digits] : text
            tokens.append(KeywordToken(text: spelled, kind: .number))
        } else if FunctionWord.numbers[text] != nil {
            tokens.append(KeywordToken(text: text, kind: .number))
        } else if let role = FunctionWord.role(of: text) {
            tokens.append(KeywordToken(text: text, kind: .function(role)))
        } else if FunctionWord.isArtefact(text) {
            return
        } else {
            tokens.append(KeywordToken(text: text, kind: .word))
        }
    }

    private static func isWord(_ token: KeywordToken?, _ text: String) -> Bool {
        guard let token else { return false }
        return token.text == text
    }

    private static func isDeterminer(_ token: KeywordToken?) -> Bool {
        guard let token else { return false }
        return token.kind == .function(.determiner) || token.text == "one"
    }

    /// Drops repeats, frames, counting nouns and prepositional nouns (see the type's documentation).
    static func removeFiller(_ tokens: [KeywordToken]) -> [KeywordToken] {
        var out: [KeywordToken] = []
        out.reserveCapacity(tokens.count)
        var i = 0
        let n = tokens.count
        func at(_ k: Int) -> KeywordToken? { k < n ? tokens[k] : nil }
        while i < n {
            let token = tokens[i]
            // "dog dog", "a a": BLIP's repetitions.
            if let last = out.last, last.text == token.text, !token.isBoundary {
                i += 1
                continue
            }
            guard token.kind == .word else {
                out.append(token)
                i += 1
                continue
            }
            let next = at(i + 1)
            // "close up" / "closeup" anywhere, "close to": filler around the frame or a preposition.
            if token.text == "close", isWord(next, "up") || isWord(next, "to") {
                i += 2
                continue
            }
            // "a picture of", "an image of", "a view of": a bare frame noun after a determiner.
            if FunctionWord.frameNouns.contains(token.text), isWord(next, "of"),
               out.last.map({ $0.kind == .function(.determiner) }) ?? true {
                i += 2
                continue
            }
            // "a couple of", "a group of", "a piece of".
            if FunctionWord.quantityNouns.contains(token.text), isWord(next, "of"), isDeterminer(out.last) {
                i += 2
                continue
            }
            // "in front of", "on top of", "in the middle of", "next to", "on the side of".
            let previous = out.last?.text ?? ""
            let prepositional: Bool = switch token.text {
            case "front", "top", "middle", "center", "centre", "edge", "side", "bottom", "back":
                isWord(next, "of") && (["in", "on", "at", "the"].contains(previous))
            case "next": isWord(next, "to")
            default: false
            }
            if prepositional {
                i += 2
                continue
            }
            out.append(token)
            i += 1
        }
        return out
    }
}
