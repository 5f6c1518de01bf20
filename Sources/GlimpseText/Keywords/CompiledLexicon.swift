import Foundation

/// The compiled copy (`CompiledCopy`) of WordNet's index files: the lemma table exactly as `Lexicon`
/// builds it (`ByteKeyTable.serialized()`), in `wordnet-….compiled`, read back
/// instead of parsing about 4 MB of text (most of a `glimpse search` start-up's lexicon time).
enum CompiledLexicon {
    static func copy(directory: URL, cacheFolder: URL) -> CompiledCopy {
        CompiledCopy(magic: "GLMPSLEX", version: 1,
                     sources: PartOfSpeech.allCases.map { directory.appendingPathComponent("index.\($0.wordNetFileSuffix)") },
                     name: "wordnet", cacheFolder: cacheFolder)
    }

    /// The lemma table of `directory`'s index files: from the compiled copy in `cacheFolder` when it is
    /// current, else parsed (and the copy written); always parsed without a cache folder.
    static func table(directory: URL, cacheFolder: URL?, parse: () throws -> ByteKeyTable) throws -> ByteKeyTable {
        guard let cacheFolder else { return try parse() }
        return try copy(directory: directory, cacheFolder: cacheFolder)
            .load(build: parse, encode: { $0.serialized() }, decode: ByteKeyTable.init(serialized:))
    }
}
