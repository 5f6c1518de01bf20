import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// The one real checkpoint we have: all-MiniLM-L6-v2, against embeddings computed by transformers.
@Suite("all-MiniLM-L6-v2, real weights")
struct MiniLMRealWeightsTests {
    @Test("embeddings from token ids have cosine ≥ 0.99999 with the reference for every sentence")
    func embeddingsFromIDs() throws {
        let model = try BERTModel(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/minilm/reference", withExtension: "safetensors"))
        let reference = try SafeTensorsFile(url: fixture)
        let shape = try reference.info("input_ids").shape
        let output = try model(inputIDs: Tensor(shape: shape, int64s: reference.int64s("input_ids")),
                               attentionMask: Tensor(shape: shape, int64s: reference.int64s("attention_mask")),
                               tokenTypeIDs: Tensor(shape: shape, int64s: reference.int64s("token_type_ids")))
        let expected = try reference.floats("sentence_embedding")
        let actual = try output.sentenceEmbedding.floats()
        let width = 384
        #expect(output.sentenceEmbedding.shape == [shape[0], width])
        #expect(shape[0] >= 30)
        for row in 0..<shape[0] {
            let a = actual[(row * width)..<((row + 1) * width)]
            let b = expected[(row * width)..<((row + 1) * width)]
            let cosine = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.99999, "sentence \(row): cosine \(cosine)")
        }
    }
}

@Suite("Sentence embedder, real weights")
struct SentenceEmbedderTests {
    @Test("from text: tokenizer and encoder together match sentence-transformers' embeddings")
    func fromText() throws {
        let embedder = try SentenceEmbedder(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/minilm/reference", withExtension: "safetensors"))
        let reference = try SafeTensorsFile(url: fixture)
        struct Metadata: Decodable { var sentences: [String] }
        let sentences = try JSONDecoder().decode(Metadata.self, from: Data(reference.metadata["fixture", default: ""].utf8)).sentences
        let expected = try reference.floats("sentence_embedding")
        let vectors = try embedder.embed(sentences)
        #expect(vectors.count == sentences.count)
        for (row, vector) in vectors.enumerated() {
            let cosine = zip(vector, expected[(row * 384)..<((row + 1) * 384)]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.99999, "\"\(sentences[row])\": cosine \(cosine)")
        }
    }

    @Test("more texts than one batch, of mixed lengths: batched longest first, returned in input order")
    func batchesInInputOrder() throws {
        let embedder = try SentenceEmbedder(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        let words = ["a", "dog", "on", "the", "red", "sofa", "near", "an", "open", "window", "at", "night"]
        let texts = (0..<150).map { index in (0...(index * 7 % 23)).map { words[($0 + index) % words.count] }.joined(separator: " ") }
        let batched = try embedder.embed(texts)
        #expect(batched.count == texts.count)
        for index in [0, 1, 22, 63, 64, 100, 149] {
            let alone = try embedder.embed([texts[index]])[0]
            let cosine = zip(batched[index], alone).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.99999, "text \(index): cosine \(cosine)")
        }
    }

    @Test("meaning: a puppy is closer to a small dog than to a knife on a cutting board")
    func meaning() throws {
        let embedder = try SentenceEmbedder(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        let v = try embedder.embed(["a puppy", "a small dog", "a knife on a cutting board"])
        let dot = { (a: [Float], b: [Float]) in zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        #expect(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.2)
    }

    @Test("texts longer than max_seq_length are cut, not refused")
    func longText() throws {
        let embedder = try SentenceEmbedder(directory: TestData.folder("all-MiniLM-L6-v2"), runtime: .shared())
        #expect(embedder.maxSequenceLength == 256)
        let long = Array(repeating: "photograph", count: 600).joined(separator: " ")
        let vectors = try embedder.embed([long, "short"])
        #expect(vectors.map(\.count) == [384, 384])
    }
}
