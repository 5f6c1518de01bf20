import Foundation

/// Errors of GlimpseText. Messages say what went wrong and what to do about it.
public enum TextError: LocalizedError, Equatable, Sendable {
    /// A file the tokenizer needs does not exist.
    case fileNotFound(URL)
    /// A file exists but could not be read (permissions, not UTF-8, ...).
    case unreadableFile(URL, reason: String)
    /// A vocabulary file (`vocab.json`, `vocab.txt`) has the wrong shape.
    case malformedVocabulary(URL, reason: String)
    /// A line of a BPE merges file is not two symbols separated by a space.
    case malformedMerges(URL, line: Int, reason: String)
    /// A `tokenizer.json` is not a byte-level BPE tokenizer this package reads.
    case malformedTokenizerJSON(URL, reason: String)
    /// A WordNet file the lexicon needs (`index.noun`, `noun.exc`, ...) does not exist.
    case lexiconNotFound(URL)
    /// A WordNet index or exception file has a line this reader does not understand.
    case malformedLexicon(URL, line: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let url):
            return "Tokenizer file not found: \(url.path). Check the model directory (it needs the hub's tokenizer files), "
                + "or for the tests run scripts/fetch-test-data."
        case .unreadableFile(let url, let reason):
            return "Cannot read \(url.path): \(reason). Check the file's permissions and that it is UTF-8 text."
        case .malformedVocabulary(let url, let reason):
            return "The vocabulary \(url.path) is malformed: \(reason). Download the model's tokenizer files again."
        case .malformedMerges(let url, let line, let reason):
            return "The merges file \(url.path) is malformed at line \(line): \(reason). "
                + "Each line after '#version' must be two symbols separated by one space; download it again."
        case .malformedTokenizerJSON(let url, let reason):
            return "The tokenizer file \(url.path) cannot be used: \(reason). "
                + "Use the model's vocab.json and merges.txt instead, or download tokenizer.json again."
        case .lexiconNotFound(let url):
            return "WordNet lexicon file not found: \(url.path). Install the Debian package wordnet-base "
                + "(scripts/bootstrap does), or set GLIMPSE_WORDNET to a folder holding WordNet 3.0's "
                + "index.{noun,verb,adj,adv} and {noun,verb,adj,adv}.exc."
        case .malformedLexicon(let url, let line, let reason):
            return "The WordNet file \(url.path) is malformed at line \(line): \(reason). "
                + "Reinstall the Debian package wordnet-base (apt-get install --reinstall wordnet-base)."
        }
    }
}
