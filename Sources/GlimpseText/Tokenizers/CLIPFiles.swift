import Foundation

/// Parsing of byte-level BPE files: `vocab.json`, `merges.txt`, `tokenizer.json`.
///
/// Tokens are keyed by their UTF-8 bytes, never by `String` (Swift compares strings by canonical
/// equivalence; transformers compares code points).
enum CLIPFiles {
    /// The number of merges transformers' CLIPTokenizer reads: `49152 - 256 - 2`.
    static let mergeCount = 49152 - 256 - 2

    /// Token (UTF-8 of the byte-level string) → id; a token listed twice keeps its last id.
    static func readVocabulary(_ url: URL) throws -> ByteKeyTable {
        let data = try TokenizerFiles.data(at: url)
        try TokenizerFiles.requireUTF8(data, url)
        var vocabulary = ByteKeyTable(expectedCount: 1 << 16, expectedKeyBytes: data.count / 2)
        do {
            try data.withUnsafeBytes { raw in
                try VocabularyJSONParser.parse(raw.bindMemory(to: UInt8.self)) { token, id in
                    vocabulary.set(token, to: UInt64(id))
                }
            }
        } catch let failure as VocabularyJSONParser.Failure {
            throw TextError.malformedVocabulary(url, reason: failure.reason)
        }
        if vocabulary.count == 0 { throw TextError.malformedVocabulary(url, reason: "the vocabulary is empty") }
        return vocabulary
    }

    private static func vocabulary(
        from dictionary: [String: Any], url: URL, make: (URL, String) -> TextError
    ) throws -> ByteKeyTable {
        if dictionary.isEmpty { throw make(url, "the vocabulary is empty") }
        var vocabulary = ByteKeyTable(expectedCount: dictionary.count)
        for (token, value) in dictionary {
            guard let id = value as? Int, id >= 0 else {
                throw make(url, "the id of \"\(token)\" is not a non-negative integer")
            }
            var token = token
            token.withUTF8 { vocabulary.set($0, to: UInt64(id)) }
        }
        return vocabulary
    }

    /// transformers' CLIPTokenizer: `read().strip().split("\n")[1 : 48895]`, each line split on whitespace.
    /// A line in that range that is not exactly two symbols is an error (transformers would silently
    /// ignore it, leaving the tokenizer subtly wrong).
    static func readMerges(_ url: URL) throws -> MergeList {
        let data = try TokenizerFiles.data(at: url)
        try TokenizerFiles.requireUTF8(data, url)
        return try data.withUnsafeBytes { raw in
            let lines = TokenizerFiles.lineRanges(raw.bindMemory(to: UInt8.self))
            let bytes = raw.bindMemory(to: UInt8.self)
            func line(_ index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[lines[index]]) }
            // strip(): leading blank lines vanish with the leading whitespace.
            guard let first = lines.indices.first(where: { !PythonText.isBlank(line($0)) }) else {
                throw TextError.malformedMerges(url, line: 1, reason: "the file is empty")
            }
            var merges = MergeList(capacity: min(lines.count, mergeCount), byteCapacity: bytes.count)
            var index = first + 1
            while index < lines.count, merges.count < mergeCount {
                let text = line(index)
                let parts = PythonText.split(text)
                if parts.isEmpty, lines[(index + 1)...].indices.allSatisfy({ PythonText.isBlank(line($0)) }) {
                    break  // trailing blank lines (stripped by transformers)
                }
                guard parts.count == 2 else {
                    throw TextError.malformedMerges(url, line: index + 1, reason:
                        "expected two symbols, found \(parts.count): \"\(String(decoding: text, as: UTF8.self))\"")
                }
                merges.append(UnsafeBufferPointer(rebasing: text[parts[0]]), UnsafeBufferPointer(rebasing: text[parts[1]]))
                index += 1
            }
            if merges.count == 0 {
                throw TextError.malformedMerges(url, line: first + 1, reason: "there is no merge after the version line")
            }
            return merges
        }
    }

    struct TokenizerJSON {
        var vocabulary: ByteKeyTable
        var merges: MergeList
        var addedTokens: [(content: String, id: Int)]
    }

    /// The model part of a `tokenizer.json` with `"type": "BPE"`; merges as `"a b"` strings or `["a", "b"]` pairs.
    static func readTokenizerJSON(_ url: URL) throws -> TokenizerJSON {
        let data = try TokenizerFiles.data(at: url)
        try TokenizerFiles.requireUTF8(data, url)
        let fail = { (reason: String) in TextError.malformedTokenizerJSON(url, reason: reason) }
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw fail("it is not a JSON object")
            }
            root = object
        } catch let error as TextError {
            throw error
        } catch {
            throw fail("it is not JSON (\(error.localizedDescription))")
        }
        guard let model = root["model"] as? [String: Any] else { throw fail("it has no \"model\" object") }
        if let type = model["type"] as? String, type != "BPE" {
            throw fail("its model is \(type), not BPE")
        }
        guard let vocab = model["vocab"] as? [String: Any] else { throw fail("its model has no \"vocab\" object") }
        let vocabulary = try vocabulary(from: vocab, url: url) { TextError.malformedTokenizerJSON($0, reason: $1) }
        guard let rawMerges = model["merges"] as? [Any] else { throw fail("its model has no \"merges\" list") }
        var merges = MergeList(capacity: rawMerges.count)
        for (i, raw) in rawMerges.enumerated() {
            let parts: [String]
            if let line = raw as? String {
                parts = line.unicodeScalars.split(separator: " ").map { String(String.UnicodeScalarView($0)) }
            } else if let pair = raw as? [Any], let strings = pair as? [String] {
                parts = strings
            } else {
                throw fail("merge \(i) is neither \"a b\" nor [\"a\", \"b\"]")
            }
            guard parts.count == 2 else { throw fail("merge \(i) has \(parts.count) symbols, not 2") }
            merges.append(Array(parts[0].utf8), Array(parts[1].utf8))
        }
        var added: [(content: String, id: Int)] = []
        for case let token as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = token["content"] as? String, let id = token["id"] as? Int else {
                throw fail("an added token has no content or id")
            }
            added.append((content, id))
        }
        return TokenizerJSON(vocabulary: vocabulary, merges: merges, addedTokens: added)
    }
}
