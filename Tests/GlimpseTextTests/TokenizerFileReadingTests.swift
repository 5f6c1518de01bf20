import Foundation
import Testing

@testable import GlimpseText

/// How byte-level BPE files are cut into lines, symbols and tokens: as Python reads them, straight from
/// the bytes.
@Suite("Tokenizer file reading")
struct TokenizerFileReadingTests {
    /// Every scalar Python's `str.split()` treats as whitespace, and some that look alike but are not.
    static let spaces: [Unicode.Scalar] = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{1C}", "\u{1D}", "\u{1E}", "\u{1F}", " ",
                                           "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}", "\u{2028}",
                                           "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"]
    static let others: [Unicode.Scalar] = ["a", "<", "/", "w", ">", "\u{A1}", "\u{AD}", "\u{100}", "\u{143}", "\u{200B}",
                                           "\u{2060}", "\u{FEFF}", "\u{3001}", "\u{E9}", "\u{1F600}", "\u{84}", "\u{86}"]

    /// Python's `str.split()` on scalars: the reference the byte-level splitter must equal.
    static func pythonSplit(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: ReferenceUnicode.isPythonSpace).map { String(String.UnicodeScalarView($0)) }
    }

    @Test("split and isBlank on UTF-8 bytes equal Python's str.split() for every whitespace scalar")
    func splitLikePython() {
        var generator = SystemRandomNumberGenerator()
        var cases = Self.spaces.map { "a\(Character($0))b" } + ["", " ", "\u{3000}\u{A0}", "ab", "  a  b  "]
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<12, using: &generator)
            let scalars = (0..<length).map { _ in
                Bool.random(using: &generator) ? Self.spaces.randomElement()! : Self.others.randomElement()!
            }
            cases.append(String(String.UnicodeScalarView(scalars)))
        }
        for text in cases {
            let bytes = Array(text.utf8)
            let (parts, blank) = bytes.withUnsafeBufferPointer { buffer in
                (PythonText.split(buffer).map { String(decoding: buffer[$0], as: UTF8.self) }, PythonText.isBlank(buffer))
            }
            let expected = Self.pythonSplit(text)
            #expect(parts == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(blank == expected.isEmpty, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("lines end at \\n, \\r and \\r\\n; a final line ending adds no empty line")
    func lineRanges() {
        let text = Array("a\r\nb\rc\n\nd".utf8)
        let lines = text.withUnsafeBufferPointer { buffer in
            TokenizerFiles.lineRanges(buffer).map { String(decoding: buffer[$0], as: UTF8.self) }
        }
        #expect(lines == ["a", "b", "c", "", "d"])
        let ended = Array("a\nb\r\n".utf8).withUnsafeBufferPointer { TokenizerFiles.lineRanges($0).count }
        #expect(ended == 2)
    }

    @Test("merges split on any Python whitespace; a token listed twice in vocab.json keeps its last id")
    func mergesAndVocabulary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-bpe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let mergesURL = dir.appendingPathComponent("merges.txt")
        try Data("\u{3000}\n#version: 0.2\na\u{3000}b</w>\n\u{A0}c\u{2003}\u{2003}d \n\u{A1}\u{85}\u{143}\n\n".utf8).write(to: mergesURL)
        var merges: [(String, String, String)] = []
        try CLIPFiles.readMerges(mergesURL).forEach { left, right, merged in
            merges.append((String(decoding: left, as: UTF8.self), String(decoding: right, as: UTF8.self),
                           String(decoding: merged, as: UTF8.self)))
        }
        #expect(merges.map(\.0) == ["a", "c", "\u{A1}"])
        #expect(merges.map(\.1) == ["b</w>", "d", "\u{143}"])
        #expect(merges.map(\.2) == ["ab</w>", "cd", "\u{A1}\u{143}"])

        let vocabularyURL = dir.appendingPathComponent("vocab.json")
        try Data(#"{"a": 1, "b\u00e9": 2, "a": 3, "\ud83d\ude00": 4}"#.utf8).write(to: vocabularyURL)
        let vocabulary = try CLIPFiles.readVocabulary(vocabularyURL)
        #expect(vocabulary.count == 3)
        #expect(vocabulary.value(for: "a") == 3)
        #expect(vocabulary.value(for: "b\u{E9}") == 2)
        #expect(vocabulary.value(for: "\u{1F600}") == 4)
    }
}
