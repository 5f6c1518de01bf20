import Foundation

/// A WordNet syntactic category.
public enum PartOfSpeech: String, Sendable, Hashable, Codable, CaseIterable {
    case noun, verb, adjective, adverb

    /// The suffix of WordNet's file names: `index.noun`, `verb.exc`, `index.adj`, `adv.exc`.
    public var wordNetFileSuffix: String {
        switch self {
        case .noun: return "noun"
        case .verb: return "verb"
        case .adjective: return "adj"
        case .adverb: return "adv"
        }
    }

    /// Position in packed lexicon values (0...3).
    var bitIndex: Int {
        switch self {
        case .noun: return 0
        case .verb: return 1
        case .adjective: return 2
        case .adverb: return 3
        }
    }
}

/// An English lexicon read from WordNet 3.0's index and exception files (Debian package
/// `wordnet-base`): which parts of speech a word or collocation can have and how many senses it
/// has in each. Data files are not read, so loading takes tens of milliseconds.
///
/// Lemmas are lower-case; collocations join words with `_` (`cutting_board`), as in WordNet.
/// Load once and share (`Lexicon.standard()`); the value is immutable and `Sendable`.
public struct Lexicon: Sendable {
    /// What WordNet's index says about one lemma.
    public struct Entry: Sendable, Hashable {
        /// Per part of speech, 16 bits: the synset count (low byte) and the tagged-sense count.
        let packed: UInt64

        /// Number of senses (synsets) of the lemma as `pos`; 0 when it is not that part of speech.
        public func senseCount(_ pos: PartOfSpeech) -> Int {
            Int(packed >> UInt64(pos.bitIndex * 16) & 0xFF)
        }

        /// Number of its senses as `pos` that occur in WordNet's sense-tagged corpus (SemCor): a
        /// rough measure of how common that use is.
        public func taggedSenseCount(_ pos: PartOfSpeech) -> Int {
            Int(packed >> UInt64(pos.bitIndex * 16 + 8) & 0xFF)
        }

        /// Whether the lemma is listed as `pos`.
        public func has(_ pos: PartOfSpeech) -> Bool { senseCount(pos) > 0 }

        /// The parts of speech of the lemma, most likely first: more tagged senses, then more
        /// senses, then noun, verb, adjective, adverb.
        public var partsOfSpeech: [PartOfSpeech] {
            PartOfSpeech.allCases.filter(has).sorted { a, b in
                let (ta, tb) = (taggedSenseCount(a), taggedSenseCount(b))
                if ta != tb { return ta > tb }
                let (sa, sb) = (senseCount(a), senseCount(b))
                if sa != sb { return sa > sb }
                return a.bitIndex < b.bitIndex
            }
        }

        /// The most likely part of speech (see `partsOfSpeech`).
        public var mostLikelyPartOfSpeech: PartOfSpeech? { partsOfSpeech.first }
    }

    /// The folder the lexicon was read from.
    public let directory: URL
    let table: ByteKeyTable
    /// Exception lists (irregular forms → base forms), indexed by `PartOfSpeech.bitIndex`.
    let exceptionLists: [[String: [String]]]

    /// `$GLIMPSE_WORDNET`, else `$WNSEARCHDIR` (WordNet's own variable), else `/usr/share/wordnet`
    /// (where Debian's `wordnet-base` installs it).
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        for name in ["GLIMPSE_WORDNET", "WNSEARCHDIR"] {
            if let path = environment[name], !path.isEmpty { return URL(fileURLWithPath: path, isDirectory: true) }
        }
        return URL(fileURLWithPath: "/usr/share/wordnet", isDirectory: true)
    }

    /// Reads `index.{noun,verb,adj,adv}` and `{noun,verb,adj,adv}.exc` from `directory`.
    ///
    /// - Parameter compiledCache: a folder for a compiled copy of the index files (`CompiledLexicon`),
    ///   read instead of them while they are unchanged; nil parses them every time.
    /// - Throws: `TextError.lexiconNotFound` for a missing file, `TextError.malformedLexicon` for a
    ///   line that is not in WordNet's format (see `man 5 wndb`), `TextError.unreadableFile`.
    public init(directory: URL = Lexicon.defaultDirectory, compiledCache: URL? = nil) throws {
        self.directory = directory
        table = try CompiledLexicon.table(directory: directory, cacheFolder: compiledCache) {
            var table = ByteKeyTable(expectedCount: 160_000, expectedKeyBytes: 2_000_000)
            for pos in PartOfSpeech.allCases {
                try LexiconFiles.readIndex(at: directory.appendingPathComponent("index.\(pos.wordNetFileSuffix)"), pos: pos, into: &table)
            }
            return table
        }
        exceptionLists = try PartOfSpeech.allCases.map { pos in
            try LexiconFiles.readExceptions(at: directory.appendingPathComponent("\(pos.wordNetFileSuffix).exc"))
        }
    }

    private static let shared = ComputedOnce<Result<Lexicon, any Error>>()

    /// The lexicon from `defaultDirectory`, loaded once per process on first use (later calls share
    /// it, whatever their `compiledCache`: the lexicon is the same either way).
    ///
    /// - Parameter compiledCache: where to keep a compiled copy of WordNet's index files that loads
    ///   several times faster than parsing them (Glimpse's cache folder).
    public static func standard(compiledCache: URL? = nil) throws -> Lexicon {
        try shared.get { Result { try Lexicon(compiledCache: compiledCache) } }.get()
    }

    /// Number of distinct lemmas (over all parts of speech).
    public var count: Int { table.count }

    /// The entry of a word or collocation (`"dog"`, `"cutting board"`, `"cutting_board"`; case and
    /// spaces are normalised), or nil when WordNet does not list it.
    public func entry(for word: String) -> Entry? {
        entry(forKey: Self.key(word))
    }

    /// Whether WordNet lists `word` as `pos` (or, with `pos` nil, as anything).
    public func contains(_ word: String, as pos: PartOfSpeech? = nil) -> Bool {
        guard let entry = entry(for: word) else { return false }
        return pos.map(entry.has) ?? true
    }

    /// The parts of speech of `word`, most likely first (see `Entry.partsOfSpeech`); empty when
    /// WordNet does not list the word. This is about the word as written: `dogs` has none, `dog` has
    /// noun and verb (use `Lemmatizer` for inflected forms).
    public func partsOfSpeech(of word: String) -> [PartOfSpeech] {
        entry(for: word)?.partsOfSpeech ?? []
    }

    /// The base forms WordNet's exception list gives for an irregular form (`knives` → `knife`).
    public func exceptions(of word: String, as pos: PartOfSpeech) -> [String] {
        exceptionLists[pos.bitIndex][Self.key(word)] ?? []
    }

    /// Lookup of an already normalised key (lower case, `_` between words).
    @inline(__always)
    func entry(forKey key: String) -> Entry? {
        table.value(for: key).map(Entry.init(packed:))
    }

    /// Lower case, runs of spaces as one `_`.
    static func key(_ word: String) -> String {
        // Fast path: lower-case ASCII without spaces, the common case.
        if word.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x20 && !($0 >= 0x41 && $0 <= 0x5A) }) { return word }
        let lower = word.lowercased()
        guard lower.utf8.contains(0x20) else { return lower }
        return lower.split(separator: " ").joined(separator: "_")
    }
}
