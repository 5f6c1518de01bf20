import Foundation
import Testing

@testable import GlimpseText

/// The tokenizers' compiled copies: written once, read back, rebuilt when a source changes or the copy
/// is damaged. (Their exactness is the parity tests' second runs, `ParityTests.clipCorpus` and
/// `bertCorpus`.)
@Suite("Compiled tokenizers")
struct CompiledTokenizerTests {
    /// A copy of the test vocabulary and merges in a temporary folder, and an empty cache folder.
    static func withFolders(_ body: (_ model: URL, _ cache: URL) throws -> Void) throws {
        try TestData.requireFiles()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-compiled-bpe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestData.clipVocabulary, to: model.appendingPathComponent("vocab.json"))
        try FileManager.default.copyItem(at: TestData.clipMerges, to: model.appendingPathComponent("merges.txt"))
        try body(model, root.appendingPathComponent("cache"))
    }

    static func copyFile(_ cache: URL) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".compiled") }
        try #require(names.count == 1, "one compiled copy, found \(names)")
        return cache.appendingPathComponent(names[0])
    }

    static let texts = ["a photo of a cat", "Crème brûlée! 🐶 猫の写真 <|endoftext|> it's", "a cutting-board, no cartoon", ""]

    @Test("the copy is written once, decodes, and gives the same ids, tokens and text as parsing")
    func roundTrip() throws {
        try Self.withFolders { model, cache in
            let parsed = try CLIPTokenizer(directory: model)
            _ = try CLIPTokenizer(directory: model, compiledCache: cache)
            let file = try Self.copyFile(cache)
            let bytes = try Data(contentsOf: file)
            let sources = [model.appendingPathComponent("vocab.json"), model.appendingPathComponent("merges.txt")]
            let copy = CompiledCopy(magic: "GLMPSBPE", version: 1, sources: sources, name: "clip-tokenizer", cacheFolder: cache)
            #expect(copy.file == file)
            #expect(copy.read(stamps: try #require(CompiledCopy.stamps(sources)), decode: CLIPTokenizerParts.init(serialized:)) != nil)
            let compiled = try CLIPTokenizer(directory: model, compiledCache: cache)
            #expect(try Data(contentsOf: file) == bytes)  // read, not rewritten
            #expect(compiled.count == parsed.count && compiled.bosTokenId == parsed.bosTokenId && compiled.eosTokenId == parsed.eosTokenId)
            for text in Self.texts {
                #expect(compiled.encode(text) == parsed.encode(text), "\(text)")
                #expect(compiled.tokenize(text) == parsed.tokenize(text), "\(text)")
                let ids = parsed.encode(text).ids
                #expect(compiled.decode(ids, skipSpecialTokens: true) == parsed.decode(ids, skipSpecialTokens: true))
            }
        }
    }

    @Test("a changed merges file makes the copy stale; a damaged copy is rebuilt")
    func staleAndDamaged() throws {
        try Self.withFolders { model, cache in
            let original = try CLIPTokenizer(directory: model, compiledCache: cache)
            let file = try Self.copyFile(cache)
            let good = try Data(contentsOf: file)
            var flipped = good
            flipped[flipped.count / 2] ^= 0x10
            for (name, bytes) in [("flipped", flipped), ("truncated", good.prefix(good.count - 5)), ("empty", Data())] {
                try bytes.write(to: file)
                let rebuilt = try CLIPTokenizer(directory: model, compiledCache: cache)
                #expect(rebuilt.encode("a photo of a cat") == original.encode("a photo of a cat"), "\(name)")
                #expect(try Data(contentsOf: file) == good, "rewritten after \(name)")
            }
            // Keep only the first 100 merges: "photo" no longer merges whole, and the copy must follow.
            let merges = model.appendingPathComponent("merges.txt")
            let lines = try String(contentsOf: merges, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            try (lines.prefix(101).joined(separator: "\n") + "\n").write(to: merges, atomically: true, encoding: .utf8)
            let parsed = try CLIPTokenizer(directory: model)
            let recompiled = try CLIPTokenizer(directory: model, compiledCache: cache)
            #expect(parsed.encode("a photo of a cat") != original.encode("a photo of a cat"))
            #expect(recompiled.encode("a photo of a cat") == parsed.encode("a photo of a cat"))
        }
    }

    @Test("added tokens of a tokenizer.json survive the copy")
    func addedTokens() throws {
        try Self.withFolders { model, cache in
            let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("vocab.json")))
            let merges = try String(contentsOf: model.appendingPathComponent("merges.txt"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map(String.init)
            let json: [String: Any] = [
                "added_tokens": [["id": 49406, "content": "<|startoftext|>", "special": true],
                                 ["id": 49407, "content": "<|endoftext|>", "special": true],
                                 ["id": 49408, "content": "[MASK]", "special": true]],
                "model": ["type": "BPE", "vocab": vocabulary, "merges": merges, "end_of_word_suffix": "</w>"],
            ]
            let url = model.appendingPathComponent("tokenizer.json")
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            let parsed = try CLIPTokenizer(tokenizerJSONURL: url)
            _ = try CLIPTokenizer(tokenizerJSONURL: url, compiledCache: cache)
            let compiled = try CLIPTokenizer(tokenizerJSONURL: url, compiledCache: cache)
            #expect(compiled.encode("a [MASK] on a sofa").ids.contains(49408))
            #expect(compiled.encode("a [MASK] on a sofa") == parsed.encode("a [MASK] on a sofa"))
            #expect(compiled.count == parsed.count)
            // The same folder read through vocab.json and merges.txt has a copy of its own: the two never
            // replace each other.
            let jsonCopy = try Self.copyFile(cache)
            let jsonBytes = try Data(contentsOf: jsonCopy)
            _ = try CLIPTokenizer(directory: model, compiledCache: cache)
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".compiled") }.count == 2)
            _ = try CLIPTokenizer(tokenizerJSONURL: url, compiledCache: cache)
            #expect(try Data(contentsOf: jsonCopy) == jsonBytes)
        }
    }

    @Test("BERT: a vocabulary with a token listed twice, a damaged copy and a changed vocab.txt")
    func wordPiece() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-compiled-wp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let vocab = root.appendingPathComponent("vocab.txt"), cache = root.appendingPathComponent("cache")
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "cat", "##s", "dog", "cat", "on", "sofa"]
        try (tokens.joined(separator: "\n") + "\n").write(to: vocab, atomically: true, encoding: .utf8)
        let parsed = try BertTokenizer(vocabularyURL: vocab)
        _ = try BertTokenizer(vocabularyURL: vocab, compiledCache: cache)
        let file = try Self.copyFile(cache)
        let good = try Data(contentsOf: file)
        let compiled = try BertTokenizer(vocabularyURL: vocab, compiledCache: cache)
        let text = "A cats on a sofa, dogs"
        #expect(compiled.encode(text) == parsed.encode(text))
        #expect(compiled.count == parsed.count)
        // Id 6 ("cat" listed again at 9) decodes as [UNK], as transformers' dict makes it.
        #expect(compiled.decode([6, 9, 7], skipSpecialTokens: false) == parsed.decode([6, 9, 7], skipSpecialTokens: false))
        #expect(compiled.decode([6, 9, 7], skipSpecialTokens: false).contains("[UNK]"))
        var flipped = good
        flipped[flipped.count - 20] ^= 0x01
        try flipped.write(to: file)
        #expect(try BertTokenizer(vocabularyURL: vocab, compiledCache: cache).encode(text) == parsed.encode(text))
        #expect(try Data(contentsOf: file) == good)
        try ((tokens + ["mat"]).joined(separator: "\n") + "\n").write(to: vocab, atomically: true, encoding: .utf8)
        #expect(try BertTokenizer(vocabularyURL: vocab, compiledCache: cache).encode("a cat on a mat").ids.contains(12))
    }
}
