import Foundation

/// Reading tokenizer files with typed errors.
enum TokenizerFiles {
    static func data(at url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TextError.fileNotFound(url) }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TextError.unreadableFile(url, reason: error.localizedDescription)
        }
    }

    /// The lines of a UTF-8 text file as Python's text mode reads them (universal newlines:
    /// `\r\n`, `\r` and `\n` all end a line; a final line ending adds no empty line).
    static func lines(at url: URL) throws -> [String] {
        let data = try data(at: url)
        try requireUTF8(data, url)
        return data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return lineRanges(bytes).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    /// Where the lines of `bytes` are, as ``lines(at:)`` cuts them (line endings excluded).
    static func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                lines.append(start..<i)
                if b == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < n { lines.append(start..<n) }
        return lines
    }

    /// Throws unless `data` is valid UTF-8.
    static func requireUTF8(_ data: Data, _ url: URL) throws {
        let valid = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            var decoded = String(decoding: raw.bindMemory(to: UInt8.self), as: UTF8.self)
            return decoded.withUTF8 { $0.count == raw.count && (raw.count == 0 || memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0) }
        }
        if !valid {
            throw TextError.unreadableFile(url, reason: "it is not valid UTF-8")
        }
    }
}

/// The UTF-8 bytes of `scalars` appended to `out`.
@inline(__always)
func appendUTF8<C: Collection>(_ scalars: C, to out: inout [UInt8]) where C.Element == Unicode.Scalar {
    for s in scalars {
        let v = s.value
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

/// Text operations of Python's `str`, on UTF-8 bytes (all patterns here are ASCII, so byte-wise
/// matching equals character-wise matching).
enum PythonText {
    /// `str.replace(pattern, replacement)`: every non-overlapping occurrence, left to right.
    static func replace(_ text: [UInt8], _ pattern: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !pattern.isEmpty, text.count >= pattern.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        let first = pattern[0]
        let last = text.count - pattern.count
        while i < text.count {
            if i <= last, text[i] == first {
                var k = 1
                while k < pattern.count, text[i + k] == pattern[k] { k += 1 }
                if k == pattern.count {
                    out.append(contentsOf: replacement)
                    i += pattern.count
                    continue
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    /// `str.split()` of valid UTF-8 `text`: the byte ranges of its parts between runs of Python whitespace.
    static func split(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start: Int?
        var i = 0
        while i < text.count {
            let (scalar, length) = scalar(in: text, at: i)
            if ReferenceUnicode.isPythonSpace(scalar) {
                if let first = start { parts.append(first..<i) }
                start = nil
            } else if start == nil {
                start = i
            }
            i += length
        }
        if let first = start { parts.append(first..<text.count) }
        return parts
    }

    /// Whether valid UTF-8 `text` is empty or Python whitespace only.
    static func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < text.count {
            let (scalar, length) = scalar(in: text, at: i)
            if !ReferenceUnicode.isPythonSpace(scalar) { return false }
            i += length
        }
        return true
    }

    /// The scalar that starts at `index` of valid UTF-8 `text`, and its length in bytes.
    @inline(__always)
    private static func scalar(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(text[index])
        if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        var value = lead & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(text[index + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// `str.strip()`: Python whitespace removed at both ends.
    static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !ReferenceUnicode.isPythonSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !ReferenceUnicode.isPythonSpace($0) })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// `PreTrainedTokenizerBase.clean_up_tokenization`.
    static func cleanUpTokenization(_ text: [UInt8]) -> [UInt8] {
        var t = text
        for (from, to) in cleanUpRules { t = replace(t, from, with: to) }
        return t
    }

    private static let cleanUpRules: [([UInt8], [UInt8])] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
        (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }
}
