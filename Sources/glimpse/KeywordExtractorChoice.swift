import Foundation
import GlimpseDescribe
import GlimpseRuntime
import GlimpseText

/// The one keyword extractor of describe, index, import and search (so that query compounds meet stored
/// ones): WordNet's, with lemmas and compounds; when the lexicon cannot be
/// read, plain words with a warning saying why. A compiled copy of WordNet's index is kept in
/// `GlimpseDirectories.compiled`, so later processes start faster.
enum KeywordExtractorChoice {
    static func make() -> any KeywordExtracting {
        do {
            return try KeywordExtractor.standard(compiledCache: GlimpseDirectories().compiled)
        } catch {
            FileHandle.standardError.write(Data(
                "glimpse: keywords without lemmas or compounds: \(error.localizedDescription)\n".utf8))
            return PlainKeywords()
        }
    }
}
