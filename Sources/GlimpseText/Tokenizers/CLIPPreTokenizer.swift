/// CLIP's pre-tokenization pattern, matched by hand with the semantics of `regex.findall` (the
/// `regex` module, `IGNORECASE`) on one lower-cased, whitespace-free word:
///
///     <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
///
/// At each position the first alternative that matches wins; where none does, one character is
/// skipped. Found by sweeping every code point through the `regex` module: under IGNORECASE,
/// U+0345 COMBINING GREEK YPOGEGRAMMENI (category Mn, case-folds to ι) matches neither `\p{L}`
/// nor the negated class, so it is dropped; and U+017F LATIN SMALL LETTER LONG S matches `s`
/// (`'ſ` is one piece, and so is `<|ſtartoftext|>`, which is not the start token but text). No
/// other assigned character
/// behaves unexpectedly.
enum CLIPPreTokenizer {
    enum Piece {
        case bos
        case eos
        case text(ArraySlice<Unicode.Scalar>)
    }

    private enum Kind {
        case letter, number, other, skipped
    }

    @inline(__always)
    private static func kind(_ s: Unicode.Scalar) -> Kind {
        let v = s.value
        if v < 0x80 {
            if (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A { return .letter }
            if v >= 0x30 && v <= 0x39 { return .number }
            if ReferenceUnicode.isPythonSpace(s) { return .skipped }
            return .other
        }
        if v == 0x0345 || ReferenceUnicode.isPythonSpace(s) { return .skipped }
        if ReferenceUnicode.isLetter(s) { return .letter }
        if ReferenceUnicode.isNumber(s) { return .number }
        return .other
    }

    private static let startOfText = Array("<|startoftext|>".unicodeScalars)
    private static let endOfText = Array("<|endoftext|>".unicodeScalars)
    private static let specialLiterals = [(startOfText, Piece.bos), (endOfText, Piece.eos)]

    static func forEachPiece(in word: ArraySlice<Unicode.Scalar>, _ body: (Piece) -> Void) {
        var i = word.startIndex
        let end = word.endIndex
        outer: while i < end {
            let s = word[i]
            if s == "<" {
                for (literal, piece) in specialLiterals
                where matchesIgnoringCase(word, at: i, literal) {
                    let range = i..<(i + literal.count)
                    // Only the exact spelling is the special token (transformers' bpe cache);
                    // `<|ſtartoftext|>` matches the pattern but is byte-pair encoded as text.
                    body(word[range].elementsEqual(literal) ? piece : .text(word[range]))
                    i = range.upperBound
                    continue outer
                }
            } else if s == "'", i + 1 < end {
                let contraction = contractionLength(word, at: i)
                if contraction > 0 {
                    body(.text(word[i..<(i + contraction)]))
                    i += contraction
                    continue
                }
            }
            switch kind(s) {
            case .letter:
                var j = i + 1
                while j < end, kind(word[j]) == .letter { j += 1 }
                body(.text(word[i..<j]))
                i = j
            case .number:
                body(.text(word[i...i]))
                i += 1
            case .other:
                var j = i + 1
                while j < end, kind(word[j]) == .other { j += 1 }
                body(.text(word[i..<j]))
                i = j
            case .skipped:
                i += 1
            }
        }
    }

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` (ASCII, either case) at `i`, or 0.
    @inline(__always)
    private static func contractionLength(_ word: ArraySlice<Unicode.Scalar>, at i: Int) -> Int {
        func lower(_ k: Int) -> UInt32 {
            guard k < word.endIndex else { return 0 }
            let v = word[k].value
            return v >= 0x41 && v <= 0x5A ? v | 0x20 : v
        }
        switch lower(i + 1) {
        case 0x73, 0x74, 0x6D, 0x64, 0x17F: return 2  // s t m d ſ
        case 0x72, 0x76: return lower(i + 2) == 0x65 ? 3 : 0  // re ve
        case 0x6C: return lower(i + 2) == 0x6C ? 3 : 0  // ll
        default: return 0
        }
    }

    /// Whether `literal` (lower-case ASCII) is at `i`, under the `regex` module's IGNORECASE:
    /// ASCII letters in either case, and ſ for s.
    @inline(__always)
    private static func matchesIgnoringCase(
        _ word: ArraySlice<Unicode.Scalar>, at i: Int, _ literal: [Unicode.Scalar]
    ) -> Bool {
        guard word.endIndex - i >= literal.count else { return false }
        for k in 0..<literal.count {
            let v = word[i + k].value
            let want = literal[k].value
            if v == want || (v >= 0x41 && v <= 0x5A && v | 0x20 == want) || (v == 0x17F && want == 0x73) { continue }
            return false
        }
        return true
    }
}
