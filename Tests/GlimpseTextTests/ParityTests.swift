import Foundation
import Testing

@testable import GlimpseText

/// Exact parity with transformers 4.46.3's slow tokenizers over the committed corpus
/// (Fixtures/tokenizer-parity.jsonl.gz, made by Tools/fixtures/make_tokenizer_fixtures.py).
@Suite("Tokenizer parity with transformers")
struct ParityTests {
    /// Collects mismatches, reports the first few in detail, and checks the count is zero.
    struct Mismatches {
        var count = 0
        var checked = 0
        var details: [String] = []

        mutating func check(_ ok: Bool, _ detail: @autoclosure () -> String) {
            checked += 1
            guard !ok else { return }
            count += 1
            if details.count < 12 { details.append(detail()) }
        }

        func expectNone(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for d in details { Issue.record(Comment(rawValue: d), sourceLocation: sourceLocation) }
            #expect(checked > 0, "no \(what) cases were checked", sourceLocation: sourceLocation)
            #expect(count == 0, "\(count) of \(checked) \(what) cases differ", sourceLocation: sourceLocation)
        }
    }

    @Test("fixture covers the corpus the issue asks for")
    func fixtureShape() throws {
        let meta = try #require(try TestData.records("meta").first)
        #expect(meta.string("transformers") == "4.46.3")
        #expect(try TestData.records("text").count >= 2000)
        #expect(try TestData.records("sweep").count > 500)
        #expect(try TestData.records("batch").count > 100)
    }

    @Test("CLIP: ids and decoded text identical for every corpus string (parsed, and read from its compiled copy)",
          arguments: [false, true])
    func clipCorpus(compiled: Bool) throws {
        let clip = try compiled ? TestData.compiledCLIP() : TestData.clip()
        var ids = Mismatches()
        var decoded = Mismatches()
        for record in try TestData.records("text") {
            let text = try #require(record.string("s"))
            let expected = try #require(record.ints("clip"))
            let got = clip.encode(text)
            ids.check(got == expected, "CLIP ids for \"\(escaped(text))\": got \(got), want \(expected)")
            let want = try #require(record.string("clipDecoded"))
            let out = clip.decode(expected, skipSpecialTokens: true)
            decoded.check(sameText(out, want), "CLIP decode of \"\(escaped(text))\": got \"\(escaped(out))\", want \"\(escaped(want))\"")
            if let want77 = record.string("clipDecoded77") {
                let cut = Array(expected.prefix(76)) + [clip.eosTokenId]
                let out = clip.decode(cut, skipSpecialTokens: true)
                decoded.check(sameText(out, want77), "CLIP decode of 77 ids of \"\(escaped(text))\": got \"\(escaped(out))\"")
            }
            if let wantAll = record.string("clipDecodedAll") {
                let out = clip.decode(expected, skipSpecialTokens: false)
                decoded.check(sameText(out, wantAll), "CLIP decode (specials kept) of \"\(escaped(text))\": got \"\(escaped(out))\"")
            }
        }
        ids.expectNone("CLIP encoding")
        decoded.expectNone("CLIP decoding")
    }

    @Test("BERT: ids and decoded text identical for every corpus string (parsed, and read from its compiled copy)",
          arguments: [false, true])
    func bertCorpus(compiled: Bool) throws {
        let bert = try compiled ? TestData.compiledBert() : TestData.bert()
        var ids = Mismatches()
        var decoded = Mismatches()
        for record in try TestData.records("text") {
            let text = try #require(record.string("s"))
            let expected = try #require(record.ints("bert"))
            let got = bert.encode(text)
            ids.check(got == expected, "BERT ids for \"\(escaped(text))\": got \(got), want \(expected)")
            let want = try #require(record.string("bertDecoded"))
            let out = bert.decode(expected, skipSpecialTokens: true)
            decoded.check(sameText(out, want), "BERT decode of \"\(escaped(text))\": got \"\(escaped(out))\", want \"\(escaped(want))\"")
            if let wantAll = record.string("bertDecodedAll") {
                let out = bert.decode(expected, skipSpecialTokens: false)
                decoded.check(sameText(out, wantAll), "BERT decode (specials kept) of \"\(escaped(text))\": got \"\(escaped(out))\"")
            }
        }
        ids.expectNone("BERT encoding")
        decoded.expectNone("BERT decoding")
    }

    @Test("BLIP: ids identical for every corpus string ([DEC] and [ENC] recognised)")
    func blipCorpus() throws {
        let blip = try TestData.blip()
        var ids = Mismatches()
        var withAdded = 0
        for record in try TestData.records("text") {
            let text = try #require(record.string("s"))
            let expected = try #require(record.ints("blip") ?? record.ints("bert"))
            if record["blip"] != nil { withAdded += 1 }
            let got = blip.encode(text)
            ids.check(got == expected, "BLIP ids for \"\(escaped(text))\": got \(got), want \(expected)")
            if let wantAll = record.string("blipDecodedAll") {
                let out = blip.decode(expected, skipSpecialTokens: false)
                ids.check(sameText(out, wantAll), "BLIP decode (specials kept) of \"\(escaped(text))\": got \"\(escaped(out))\"")
            }
        }
        ids.expectNone("BLIP")
        #expect(withAdded >= 3, "the corpus should hold strings where [DEC]/[ENC] change the ids")
    }

    @Test("decoding arbitrary id sequences, special tokens skipped and kept")
    func decodeCases() throws {
        let tokenizers: [String: any Tokenizer] = ["clip": try TestData.clip(), "bert": try TestData.bert(), "blip": try TestData.blip()]
        var mismatches = Mismatches()
        for record in try TestData.records("decode") {
            let name = try #require(record.string("tokenizer"))
            let tokenizer = try #require(tokenizers[name])
            let ids = try #require(record.ints("ids"))
            let skip = try #require(record["skip"] as? Bool)
            let want = try #require(record.string("text"))
            let out = tokenizer.decode(ids, skipSpecialTokens: skip)
            mismatches.check(sameText(out, want), "\(name) decode(\(ids), skip: \(skip)): got \"\(escaped(out))\", want \"\(escaped(want))\"")
        }
        mismatches.expectNone("decode")
    }

    @Test("batches: padding, truncation, pairs, attention masks and token types as transformers")
    func batchCases() throws {
        let tokenizers: [String: any Tokenizer] = ["clip": try TestData.clip(), "bert": try TestData.bert(), "blip": try TestData.blip()]
        var mismatches = Mismatches()
        for record in try TestData.records("batch") {
            let name = try #require(record.string("tokenizer"))
            let tokenizer = try #require(tokenizers[name])
            let texts = try #require(record["texts"] as? [String])
            let pairs = record["pairs"] as? [String]
            let truncation: Truncation = (record["maxLength"] as? Int).map { .maxLength($0) } ?? .disabled
            let padding: Padding = record.string("padding") == "max_length" ? .maxLength : .longest
            let batch = tokenizer.encodeBatch(texts, pairs: pairs, truncation: truncation, padding: padding)
            let label = "\(name) \(texts.map(escaped)) pairs \(pairs?.map(escaped) ?? []) \(truncation) \(padding)"
            mismatches.check(batch.ids == record.intRows("ids"), "\(label): ids \(batch.ids)")
            mismatches.check(batch.attentionMask == record.intRows("mask"), "\(label): mask \(batch.attentionMask)")
            if let types = record.intRows("types") {
                mismatches.check(batch.tokenTypeIds == types, "\(label): types \(batch.tokenTypeIds)")
            }
        }
        mismatches.expectNone("batch")
    }

    /// Every code point of each 256-code-point block (surrogates left out) as `<c>a<c> `: ids and
    /// decoded text compared through FNV-1a 64 hashes (the fixture stores only the hashes).
    @Test("every Unicode code point behaves as in transformers (block sweep)")
    func codePointSweep() throws {
        let clip = try TestData.clip()
        let bert = try TestData.bert()
        var mismatches = Mismatches()
        for record in try TestData.records("sweep") {
            let start = try #require(record["start"] as? Int)
            var text = String.UnicodeScalarView()
            for cp in start..<(start + 256) {
                guard let s = Unicode.Scalar(UInt32(cp)) else { continue }
                text.append(s)
                text.append("a")
                text.append(s)
                text.append(" ")
            }
            let string = String(text)
            let c = clip.encode(string)
            let b = bert.encode(string)
            let block = "U+\(String(start, radix: 16, uppercase: true))"
            mismatches.check(fnv(c) == record.string("clip"), "CLIP ids differ in block \(block)")
            mismatches.check(fnv(b) == record.string("bert"), "BERT ids differ in block \(block)")
            mismatches.check(fnv(Array(clip.decode(c).utf8)) == record.string("clipDecoded"), "CLIP decode differs in block \(block)")
            mismatches.check(fnv(Array(bert.decode(b).utf8)) == record.string("bertDecoded"), "BERT decode differs in block \(block)")
        }
        mismatches.expectNone("code point sweep")
    }

    private func fnv<T: BinaryInteger>(_ values: [T]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            h ^= UInt64(v)
            h = h &* 0x100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
