import Foundation
import Testing

@testable import GlimpseText

@Suite("CLIP tokenizer")
struct CLIPTokenizerTests {
    @Test("encodes a caption to openai/clip-vit-base-patch32's ids")
    func knownIds() throws {
        let clip = try TestData.clip()
        #expect(clip.encode("a photo of a cat") == [49406, 320, 1125, 539, 320, 2368, 49407])
        #expect(clip.tokenIds("A Photo of a CAT") == [320, 1125, 539, 320, 2368])
        #expect(clip.tokenize("a photo of a cat") == ["a</w>", "photo</w>", "of</w>", "a</w>", "cat</w>"])
        #expect(clip.bosTokenId == 49406 && clip.eosTokenId == 49407 && clip.padTokenId == 49407)
        #expect(clip.count == 49408 && clip.modelMaxLength == 77)
    }

    @Test("decodes without clean-up of spaces before punctuation (CLIPTokenizer's default)")
    func decodeKeepsSpaces() throws {
        let clip = try TestData.clip()
        let ids = clip.encode("a dog, isn't it?")
        #expect(clip.decode(ids) == "a dog , isn 't it ?")
        #expect(clip.decode(ids, skipSpecialTokens: false) == "<|startoftext|>a dog , isn 't it ? <|endoftext|>")
        #expect(clip.decode([99_999, -1, 320]) == "a", "ids outside the vocabulary are left out")
    }

    @Test("a batch is cut to 77 tokens and padded with <|endoftext|> by default")
    func batchDefaults() throws {
        let clip = try TestData.clip()
        let long = Array(repeating: "dog", count: 120).joined(separator: " ")
        let batch = clip.encodeBatch(["a dog", long], padding: .maxLength)
        #expect(batch.shape == [2, 77])
        #expect(Array(batch.ids[0].prefix(5)) == [49406, 320, 1929, 49407, 49407])
        #expect(batch.attentionMask[0] == [1, 1, 1, 1] + Array(repeating: 0, count: 73))
        #expect(batch.ids[1].count == 77 && batch.ids[1].first == 49406 && batch.ids[1].last == 49407)
        #expect(batch.attentionMask[1] == Array(repeating: 1, count: 77))
        #expect(batch.flatIds.count == 154 && batch.flatIds[77] == 49406 && batch.flatIds[3] == 49407)
        #expect(batch.flatAttentionMask.reduce(0, +) == 4 + 77)
        #expect(batch.flatTokenTypeIds == Array(repeating: 0, count: 154))
    }

    @Test("padding to the longest, truncation to a given length")
    func paddingAndTruncation() throws {
        let clip = try TestData.clip()
        let batch = clip.encodeBatch(["a dog", "a cat on a sofa"], truncation: .maxLength(8), padding: .maxLength)
        #expect(batch.ids == [[49406, 320, 1929, 49407, 49407, 49407, 49407, 49407],
                              [49406, 320, 2368, 525, 320, 15723, 49407, 49407]])
        #expect(batch.attentionMask == [[1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 0]])
        let longest = clip.encodeBatch(["a dog", "a cat on a sofa"])
        #expect(longest.shape == [2, 7])
        #expect(clip.encode("a dog", truncation: .maxLength(3)).ids == [49406, 320, 49407])
        #expect(clip.encodeBatch([]).shape == [0, 0])
    }

    @Test("reads tokenizer.json (merges as strings or pairs) and model directories the same way")
    func tokenizerJSON() throws {
        let clip = try TestData.clip()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = try JSONSerialization.jsonObject(with: Data(contentsOf: TestData.clipVocabulary))
        let mergeLines = try String(contentsOf: TestData.clipMerges, encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init)
        let texts = ["a photo of a cat", "Crème brûlée! 🐶 猫の写真 <|endoftext|> it's", "x'ſ", ""]
        for asPairs in [false, true] {
            let merges: [Any] = asPairs ? mergeLines.map { $0.split(separator: " ").map(String.init) } : mergeLines
            let json: [String: Any] = [
                "added_tokens": [["id": 49406, "content": "<|startoftext|>", "special": true],
                                 ["id": 49407, "content": "<|endoftext|>", "special": true]],
                "model": ["type": "BPE", "vocab": vocab, "merges": merges, "end_of_word_suffix": "</w>"],
            ]
            let url = dir.appendingPathComponent("tokenizer.json")
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            let fromJSON = try CLIPTokenizer(tokenizerJSONURL: url)
            let fromDirectory = try CLIPTokenizer(directory: dir)
            for text in texts {
                #expect(fromJSON.encode(text) == clip.encode(text), "\(text)")
                #expect(fromDirectory.encode(text) == clip.encode(text), "\(text)")
            }
        }
    }

    @Test("is safe to share between concurrent tasks")
    func concurrentUse() async throws {
        let clip = try TestData.clip()
        let texts = (0..<200).map { "a \($0 % 7 == 0 ? "striped" : "furry") cat number \($0) on a sofa, no cartoon" }
        let expected = texts.map { clip.encode($0) }
        let results = await withTaskGroup(of: (Int, [Int]).self) { group in
            for (i, text) in texts.enumerated() { group.addTask { (i, clip.encode(text)) } }
            var out = [[Int]](repeating: [], count: texts.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(results == expected)
    }
}

@Suite("BERT and BLIP tokenizers")
struct BertTokenizerTests {
    @Test("encodes with [CLS]/[SEP] and WordPiece pieces as bert-base-uncased")
    func knownIds() throws {
        let bert = try TestData.bert()
        #expect(bert.encode("Hello, world!") == [101, 7592, 1010, 2088, 999, 102])
        #expect(bert.tokenize("unaffable") == ["una", "##ffa", "##ble"])
        #expect(bert.tokenize("Crème Brûlée") == ["cr", "##eme", "br", "##ule", "##e"])
        #expect(bert.count == 30522 && bert.padTokenId == 0 && bert.unknownTokenId == 100)
        #expect(bert.clsTokenId == 101 && bert.sepTokenId == 102 && bert.maskTokenId == 103 && bert.bosTokenId == nil)
    }

    @Test("a word over 100 characters is one [UNK]; an unknown character makes the word [UNK]")
    func unknownWords() throws {
        let bert = try TestData.bert()
        #expect(bert.tokenIds(String(repeating: "a", count: 100)).count > 1)
        #expect(bert.tokenIds(String(repeating: "a", count: 101)) == [100])
        #expect(bert.tokenIds("dog🐶 cat") == [100, 4937])
    }

    @Test("pairs get token types 0 then 1; longest-first truncation")
    func pairs() throws {
        let bert = try TestData.bert()
        let pair = bert.encode("a dog", pair: "a cat")
        #expect(pair.ids == [101, 1037, 3899, 102, 1037, 4937, 102])
        #expect(pair.tokenTypeIds == [0, 0, 0, 0, 1, 1, 1])
        #expect(pair.attentionMask == Array(repeating: 1, count: 7))
        let cut = bert.encode("one two three four five six", pair: "seven", truncation: .maxLength(8))
        #expect(cut.ids == [101, 2028, 2048, 2093, 2176, 102, 2698, 102])
        let batch = bert.encodeBatch(["a dog", "a very big dog"], pairs: ["x", "y"], padding: .longest)
        #expect(batch.tokenTypeIds == [[0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1, 1]])
        #expect(batch.attentionMask[0] == [1, 1, 1, 1, 1, 1, 0, 0])
    }

    @Test("decoding joins ## pieces and cleans spaces before punctuation")
    func decoding() throws {
        let bert = try TestData.bert()
        #expect(bert.decode(bert.encode("a dog, isn't it?")) == "a dog, isn't it?")
        #expect(bert.decode(bert.encode("unaffable")) == "unaffable")
        #expect(bert.decode([101, 1037, 3899, 102], skipSpecialTokens: false) == "[CLS] a dog [SEP]")
        #expect(bert.decode([1037, 99_999, 3899]) == "a dog", "unknown ids read as [UNK], a special token")
        #expect(bert.decode([1037, 99_999], skipSpecialTokens: false) == "a [UNK]")
    }

    @Test("BLIP: [DEC] is 30522 (caption start), [ENC] 30523, [SEP] ends, [PAD] pads")
    func blip() throws {
        let blip = try TestData.blip()
        #expect(blip.bosTokenId == 30522)
        #expect(blip.additionalSpecialTokenIds == [30523])
        #expect(blip.count == 30524)
        #expect(blip.sepTokenId == 102 && blip.padTokenId == 0)
        #expect(blip.encode("[DEC] a dog") == [101, 30522, 1037, 3899, 102])
        #expect(blip.encode("[ENC]") == [101, 30523, 102])
        // A generated caption: [DEC] a dog sitting on a couch [SEP] [PAD] [PAD]
        let generated = [30522, 1037, 3899, 3564, 2006, 1037, 6411, 102, 0, 0]
        #expect(blip.decode(generated) == "a dog sitting on a couch")
        #expect(blip.decode([30522, 1037, 3899, 102], skipSpecialTokens: false) == "[DEC] a dog [SEP]")
        #expect(try TestData.bert().encode("[DEC]") == [101, 1031, 11703, 1033, 102], "plain BERT splits [DEC]")
    }
}

@Suite("Byte-pair merging")
struct BytePairMergingTests {
    @Test("the heap-based merge for long pre-tokens gives exactly the scanning loop's result")
    func heapEqualsScanning() throws {
        let bpe = try TestData.clip().tables.bpe
        var generator = SplitMix64(seed: 42)
        let pools: [[UInt8]] = [Array("abcdefghijklmnopqrstuvwxyz".utf8), Array("aaaaabbbbcccdde".utf8),
                                Array("!\"#$%&()*+,-./:;<=>?@[]^_{|}~".utf8), Array(0...255)]
        for round in 0..<400 {
            let pool = pools[round % pools.count]
            let length = 1 + Int(generator.next() % 300)
            let bytes = (0..<length).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
            let symbols = bpe.initialSymbols(bytes)
            #expect(bpe.mergeWithHeap(symbols) == bpe.mergeByScanning(symbols), "bytes \(bytes)")
        }
    }

    @Test("byte-level decoding straight from UTF-8 equals decoding the token's string, valid or not")
    func byteLevelFromUTF8() throws {
        var samples: [[UInt8]] = [
            [], Array("hello</w>".utf8), Array("Ġ".utf8), Array("ĠĊ".utf8), Array("€".utf8), Array("Ő".utf8),  // U+0150: past the alphabet
            [0x80], [0xC3], [0xC3, 0x41], [0xC1, 0x81], [0xC0, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xFF],
        ]
        var generator = SplitMix64(seed: 7)
        let pool: [UInt8] = Array(0x20...0x7E) + Array(0x80...0xFF)
        for _ in 0..<5_000 {
            samples.append((0..<Int(generator.next() % 8)).map { _ in pool[Int(generator.next() % UInt64(pool.count))] })
        }
        let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: TestData.clipVocabulary)) as? [String: Int] ?? [:]
        #expect(vocabulary.count == 49_408)
        samples += vocabulary.keys.map { Array($0.utf8) }
        let mismatches = samples.filter { ByteLevel.decodedBytes(utf8: $0) != ByteLevel.decodedBytes(String(decoding: $0, as: UTF8.self)) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("long inputs stay fast (no quadratic merging)")
    func longInput() throws {
        let clip = try TestData.clip()
        let word = String(repeating: "pneumonoultramicroscopicsilicovolcanoconiosis", count: 400)
        let start = Date()
        let ids = clip.tokenIds(word)
        #expect(ids.count > 1000)
        #expect(Date().timeIntervalSince(start) < 5, "18,000 letters in one word took too long")
    }
}

/// A small deterministic random number generator for reproducible tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
