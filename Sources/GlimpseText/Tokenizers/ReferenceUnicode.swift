import Foundation

/// Character classes and case mapping exactly as the reference tokenizers see them: transformers
/// 4.46.3 on Python 3.11, whose `unicodedata` and `str.lower()` implement Unicode 14.0.
///
/// Swift's own tables are newer; a scalar assigned after Unicode 14.0 is treated as unassigned
/// (category Cn), which is what the reference does with it (the cleaning step removes it).
enum ReferenceUnicode {
    /// The Unicode version of Python 3.11's `unicodedata` (the reference for parity).
    static let version = (major: 14, minor: 0)

    @inline(__always)
    static func isAssigned(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return true }
        guard let age = s.properties.age else { return false }
        return age.major < version.major || (age.major == version.major && age.minor <= version.minor)
    }

    /// The general category in Unicode 14.0. Swift's tables (Unicode 16) differ for two scalars
    /// assigned by 14.0 (found by comparing every code point with Python's `unicodedata`).
    static func category(_ s: Unicode.Scalar) -> Unicode.GeneralCategory {
        switch s.value {
        case 0x0295: return .lowercaseLetter  // LATIN LETTER PHARYNGEAL VOICED FRICATIVE: Lo since 16.0
        case 0x1171E: return .nonspacingMark  // AHOM CONSONANT SIGN MEDIAL RA: Mc since 16.0
        default: return isAssigned(s) ? s.properties.generalCategory : .unassigned
        }
    }

    /// transformers' `_is_control`: categories C* except tab, newline and carriage return.
    @inline(__always)
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F }
        switch category(s) {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// transformers' `_is_whitespace`: space, tab, newline, carriage return and category Zs.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D }
        return category(s) == .spaceSeparator
    }

    /// transformers' `_is_punctuation`: non-alphanumeric printable ASCII and categories P*.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch category(s) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// BasicTokenizer's `_is_chinese_char` (the CJK Unified Ideographs blocks it lists).
    @inline(__always)
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        let cp = s.value
        if cp < 0x3400 { return false }
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
            || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
            || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
            || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F)
    }

    /// Python's `str.isspace()` (what `str.split()` and `str.strip()` split or strip on).
    @inline(__always)
    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default: return false
        }
    }

    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch category(s) {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch category(s) {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Appends Python's `str.lower()` of `scalars` to `out`: full (multi-scalar) lower-case
    /// mappings, and the Final_Sigma rule for U+03A3 judged within `scalars` only.
    static func appendLowercased<C: RandomAccessCollection>(_ scalars: C, to out: inout [Unicode.Scalar])
    where C.Element == Unicode.Scalar, C.Index == Int {
        for i in scalars.indices {
            let s = scalars[i]
            let v = s.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v | 0x20)! : s)
            } else if v == 0x03A3 {
                out.append(isFinalSigma(scalars, at: i) ? "\u{03C2}" : "\u{03C3}")
            } else {
                appendLowercased(s, to: &out)
            }
        }
    }

    /// Appends the lower-case mapping of one scalar with no context (Python's `c.lower()`).
    @inline(__always)
    static func appendLowercased(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        let v = s.value
        if v < 0x80 {
            out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v | 0x20)! : s)
            return
        }
        if v == 0x03A3 { out.append("\u{03C3}"); return }
        let props = s.properties
        if !props.changesWhenLowercased || !isAssigned(s) { out.append(s); return }
        out.append(contentsOf: props.lowercaseMapping.unicodeScalars)
    }

    private static func isCased(_ s: Unicode.Scalar) -> Bool {
        s.value == 0x0295 || (isAssigned(s) && s.properties.isCased)
    }
    private static func isCaseIgnorable(_ s: Unicode.Scalar) -> Bool {
        isAssigned(s) && s.properties.isCaseIgnorable
    }

    /// CPython's `handle_capital_sigma`: cased (case-ignorable)* Σ !((case-ignorable)* cased).
    private static func isFinalSigma<C: RandomAccessCollection>(_ s: C, at i: Int) -> Bool
    where C.Element == Unicode.Scalar, C.Index == Int {
        var j = i - 1
        while j >= s.startIndex, isCaseIgnorable(s[j]) { j -= 1 }
        guard j >= s.startIndex, isCased(s[j]) else { return false }
        j = i + 1
        while j < s.endIndex, isCaseIgnorable(s[j]) { j += 1 }
        return j == s.endIndex || !isCased(s[j])
    }

    /// NFC of `scalars` (in place); a no-op when every scalar is below U+0300.
    static func formNFC(_ scalars: inout [Unicode.Scalar]) {
        guard scalars.contains(where: { $0.value >= 0x300 }) else { return }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        scalars = Array(String(view).precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// BasicTokenizer's `_run_strip_accents`: NFD, then drop category Mn. Appends to `out`.
    static func appendStrippingAccents(_ scalars: ArraySlice<Unicode.Scalar>, to out: inout [Unicode.Scalar]) {
        guard scalars.contains(where: { $0.value >= 0xC0 }) else {
            out.append(contentsOf: scalars)
            return
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        for s in String(view).decomposedStringWithCanonicalMapping.unicodeScalars
        where category(s) != .nonspacingMark {
            out.append(s)
        }
    }
}
