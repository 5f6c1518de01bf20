import Foundation

/// The pieces of a query as the parser sees them. Every operator character of FTS5 (`*`, `^`, `:`,
/// parentheses, `+`) is a separator here, so none of them can reach the full-text engine.
enum QueryToken: Sendable, Hashable {
    /// A lowercased word; `dashed` when it was written `-word`.
    case word(String, dashed: Bool)
    /// The lowercased text between double quotes; `dashed` when written `-"…"`.
    case phrase(String, dashed: Bool)
    /// A clause boundary: `,` `;` `.` `!` `?` `:` parentheses or a line break.
    case boundary
}

/// Splits a query into words, quoted phrases and clause boundaries.
enum QueryLexer {
    static let quotes: Set<Character> = ["\"", "\u{201C}", "\u{201D}", "\u{201E}"]
    static let boundaries: Set<Character> = [",", ";", ".", "!", "?", ":", "(", ")", "[", "]", "{", "}", "\n", "\r"]

    static func tokens(_ text: String) -> [QueryToken] {
        let characters = Array(text)
        var tokens: [QueryToken] = []
        var index = 0
        var dashPending = false
        while index < characters.count {
            let character = characters[index]
            if quotes.contains(character) {
                if let close = characters[(index + 1)...].firstIndex(where: { quotes.contains($0) }) {
                    let inner = normalisedPhrase(String(characters[(index + 1)..<close]))
                    if !inner.isEmpty { tokens.append(.phrase(inner, dashed: dashPending)) }
                    index = close + 1
                } else {
                    index += 1  // an unmatched quote is ignored
                }
                dashPending = false
                continue
            }
            if isWordCharacter(character) {
                var end = index
                while end < characters.count {
                    if isWordCharacter(characters[end]) {
                        end += 1
                    } else if isJoiner(characters[end]), end + 1 < characters.count, isWordCharacter(characters[end + 1]), end > index {
                        end += 1
                    } else {
                        break
                    }
                }
                let word = String(characters[index..<end]).lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
                tokens.append(.word(word, dashed: dashPending))
                dashPending = false
                index = end
                continue
            }
            if character == "-" || character == "\u{2212}" {
                let startsToken = index == 0 || characters[index - 1].isWhitespace
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                dashPending = startsToken && (isWordCharacter(next) || quotes.contains(next))
                index += 1
                continue
            }
            if boundaries.contains(character) || character.isNewline {
                if tokens.last != .boundary { tokens.append(.boundary) }
            }
            dashPending = false
            index += 1
        }
        return tokens
    }

    /// Letters and digits of any script.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    /// Characters that may join two runs of letters into one word: `blue-collar`, `dog's`.
    static func isJoiner(_ character: Character) -> Bool {
        character == "-" || character == "'" || character == "\u{2019}"
    }

    /// A phrase's words, lowercased, with operators and punctuation turned into spaces.
    static func normalisedPhrase(_ text: String) -> String {
        tokens(text).compactMap { token -> String? in
            if case let .word(word, _) = token { return word }
            return nil
        }.joined(separator: " ")
    }
}
