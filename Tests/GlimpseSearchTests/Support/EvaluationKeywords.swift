import GlimpseText

/// The keyword extractor the evaluation tests use: the WordNet extractor (as at indexing) when the
/// lexicon is installed, else the simple fake.
enum EvaluationKeywords {
    static let extractor: any KeywordExtracting = (try? KeywordExtractor.standard()) ?? FakeKeywords()
    static var isWordNet: Bool { extractor is KeywordExtractor }
}
