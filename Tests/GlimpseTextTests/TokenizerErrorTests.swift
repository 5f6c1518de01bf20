import Foundation
import Testing

@testable import GlimpseText

/// Bad tokenizer files give typed `TextError`s with messages that say what to do.
@Suite("Tokenizer file errors")
struct TokenizerErrorTests {
    /// A fresh temporary folder, removed after `body`.
    private func withFolder(_ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir)
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// A tiny but valid vocab.json: a few byte-level symbols and the two special tokens.
    private let tinyVocabulary = #"{"a": 0, "b": 1, "a</w>": 2, "b</w>": 3, "ab</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6}"#

    @Test("missing files: fileNotFound, naming fetch-test-data and the model directory")
    func missingFiles() throws {
        try withFolder { dir in
            let nowhere = dir.appendingPathComponent("vocab.txt")
            #expect(throws: TextError.fileNotFound(nowhere)) { try BertTokenizer(vocabularyURL: nowhere) }
            let vocab = try write(tinyVocabulary, "vocab.json", in: dir)
            let merges = dir.appendingPathComponent("merges.txt")
            #expect(throws: TextError.fileNotFound(merges)) { try CLIPTokenizer(vocabularyURL: vocab, mergesURL: merges) }
            #expect(throws: TextError.fileNotFound(merges)) { try CLIPTokenizer(directory: dir) }
            let message = TextError.fileNotFound(nowhere).errorDescription ?? ""
            #expect(message.contains(nowhere.path) && message.contains("scripts/fetch-test-data"))
        }
    }

    @Test("malformed vocab.json: not JSON, not an object, bad ids, missing special tokens")
    func malformedVocabularyJSON() throws {
        try withFolder { dir in
            let merges = try write("#version: 0.2\na b</w>\n", "merges.txt", in: dir)
            let cases = ["{\"a\": 0,", "[\"a\", \"b\"]", "{\"a\": \"zero\"}", "{\"a\": -1}", "{\"a\": 1.5}", "{}",
                         "{\"a\": 0, \"<|endoftext|>\": 1}"]
            for text in cases {
                let vocab = try write(text, "vocab.json", in: dir)
                let error = #expect(throws: TextError.self, "\(text)") {
                    try CLIPTokenizer(vocabularyURL: vocab, mergesURL: merges)
                }
                guard case .malformedVocabulary(let url, _)? = error else {
                    Issue.record("\(text): expected malformedVocabulary, got \(String(describing: error))")
                    continue
                }
                #expect(url == vocab)
            }
        }
    }

    @Test("merges with bad lines: malformedMerges with the line number")
    func malformedMerges() throws {
        try withFolder { dir in
            let vocab = try write(tinyVocabulary, "vocab.json", in: dir)
            let cases: [(String, Int)] = [
                ("#version: 0.2\na b</w>\na b c\n", 3),
                ("#version: 0.2\na\n", 2),
                ("#version: 0.2\na b</w>\n\na b\n", 3),
                ("", 1),
                ("#version: 0.2\n", 1),
            ]
            for (text, line) in cases {
                let merges = try write(text, "merges.txt", in: dir)
                let error = #expect(throws: TextError.self, "\(escaped(text))") {
                    try CLIPTokenizer(vocabularyURL: vocab, mergesURL: merges)
                }
                guard case .malformedMerges(let url, let got, _)? = error else {
                    Issue.record("\(escaped(text)): expected malformedMerges, got \(String(describing: error))")
                    continue
                }
                #expect(url == merges && got == line, "\(escaped(text))")
            }
            // Trailing blank lines and CRLF line ends are fine, as in transformers.
            let merges = try write("#version: 0.2\r\na b</w>\r\n\r\n\n", "merges.txt", in: dir)
            let tokenizer = try CLIPTokenizer(vocabularyURL: vocab, mergesURL: merges)
            #expect(tokenizer.encode("ab") == [5, 4, 6])
            #expect(tokenizer.encode("ba") == [5, 1, 2, 6])
        }
    }

    @Test("vocab.txt that is empty or not UTF-8")
    func badVocabularyText() throws {
        try withFolder { dir in
            let empty = try write("", "vocab.txt", in: dir)
            let error = #expect(throws: TextError.self) { try BertTokenizer(vocabularyURL: empty) }
            guard case .malformedVocabulary? = error else {
                Issue.record("expected malformedVocabulary, got \(String(describing: error))")
                return
            }
            let binary = dir.appendingPathComponent("binary.txt")
            try Data([0x5B, 0x50, 0x41, 0x44, 0x5D, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: binary)
            let error2 = #expect(throws: TextError.self) { try BertTokenizer(vocabularyURL: binary) }
            guard case .unreadableFile? = error2 else {
                Issue.record("expected unreadableFile, got \(String(describing: error2))")
                return
            }
        }
    }

    @Test("a tiny vocab.txt without some special tokens still works (they get the next ids)")
    func tinyVocabularyText() throws {
        try withFolder { dir in
            let vocab = try write("[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\ndog\n,\n", "vocab.txt", in: dir)
            let bert = try BertTokenizer(vocabularyURL: vocab)
            #expect(bert.maskTokenId == 9 && bert.count == 10)
            #expect(bert.encode("Unaffable dog, CAT") == [2, 4, 5, 6, 7, 8, 1, 3])
            #expect(bert.decode([2, 4, 5, 6, 7, 8, 1, 3]) == "unaffable dog,")
        }
    }

    @Test("a token listed twice in vocab.txt keeps its last id; the earlier id decodes as [UNK] (as transformers)")
    func repeatedVocabularyToken() throws {
        try withFolder { dir in
            let vocab = try write("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\ndog\ncat\ndog\n", "vocab.txt", in: dir)
            let bert = try BertTokenizer(vocabularyURL: vocab)
            // transformers 4.46.3: encode("dog cat") == [2, 7, 6, 3], len == 7, decode([5, 6, 7]) == "[UNK] cat dog".
            #expect(bert.encode("dog cat") == [2, 7, 6, 3])
            #expect(bert.count == 7)
            #expect(bert.decode([5, 6, 7], skipSpecialTokens: false) == "[UNK] cat dog")
        }
    }

    @Test("tokenizer.json that is not byte-level BPE: malformedTokenizerJSON")
    func badTokenizerJSON() throws {
        try withFolder { dir in
            let cases = ["not json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "{\"version\": \"1.0\"}",
                         "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b c\"]}}",
                         "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [7]}}"]
            for text in cases {
                let url = try write(text, "tokenizer.json", in: dir)
                let error = #expect(throws: TextError.self, "\(text)") { try CLIPTokenizer(tokenizerJSONURL: url) }
                guard case .malformedTokenizerJSON? = error else {
                    Issue.record("\(text): expected malformedTokenizerJSON, got \(String(describing: error))")
                    continue
                }
            }
        }
    }
}
