/// transformers' `BasicTokenizer.tokenize` (shared by `BertTokenizer` and, without accent
/// stripping and punctuation splitting, by `CLIPTokenizer` when ftfy is absent):
/// remove NUL, U+FFFD and control characters, map whitespace to spaces, put spaces around CJK
/// ideographs, NFC, split on whitespace, lower-case each token, and for BERT strip accents (NFD,
/// drop Mn) and split off each punctuation character.
struct BasicTokenizer: Sendable {
    /// BERT's behaviour (`strip_accents=None` with lower-casing, `do_split_on_punc=True`);
    /// false gives CLIP's (`strip_accents=False, do_split_on_punc=False`).
    var stripAccentsAndSplitPunctuation: Bool

    /// Lower-case every scalar on its own before anything else, as `PreTrainedTokenizer.tokenize`
    /// does for tokenizers with `do_lower_case` (BERT): Σ becomes σ, never the final ς.
    var preLowercase: Bool

    /// Calls `body` with each word of `text[range]`, in order. Words are never empty.
    func forEachWord(in text: [Unicode.Scalar], range: Range<Int>, _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(range.count + 8)
        var lowerBuffer: [Unicode.Scalar] = []
        @inline(__always) func clean(_ s: Unicode.Scalar) {
            let v = s.value
            if v == 0 || v == 0xFFFD || ReferenceUnicode.isControl(s) { return }
            if ReferenceUnicode.isWhitespace(s) {
                cleaned.append(" ")
            } else if ReferenceUnicode.isCJK(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        for i in range {
            let s = text[i]
            if !preLowercase || s.value < 0x41 {
                clean(s)
            } else if s.value < 0x80 {
                clean(s.value <= 0x5A ? Unicode.Scalar(s.value | 0x20)! : s)
            } else {
                lowerBuffer.removeAll(keepingCapacity: true)
                ReferenceUnicode.appendLowercased(s, to: &lowerBuffer)
                for l in lowerBuffer { clean(l) }
            }
        }
        ReferenceUnicode.formNFC(&cleaned)

        var lowered: [Unicode.Scalar] = []
        var stripped: [Unicode.Scalar] = []
        var start = 0
        let n = cleaned.count
        while start < n {
            if ReferenceUnicode.isPythonSpace(cleaned[start]) {
                start += 1
                continue
            }
            var end = start + 1
            while end < n, !ReferenceUnicode.isPythonSpace(cleaned[end]) { end += 1 }
            lowered.removeAll(keepingCapacity: true)
            ReferenceUnicode.appendLowercased(cleaned[start..<end], to: &lowered)
            start = end
            guard stripAccentsAndSplitPunctuation else {
                body(lowered[...])
                continue
            }
            stripped.removeAll(keepingCapacity: true)
            ReferenceUnicode.appendStrippingAccents(lowered[...], to: &stripped)
            splitOnPunctuation(stripped, body)
        }
    }

    /// `_run_split_on_punc`: each punctuation character is a word; runs between them are words.
    private func splitOnPunctuation(_ token: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var runStart = 0
        for i in token.indices where ReferenceUnicode.isPunctuation(token[i]) {
            if runStart < i { body(token[runStart..<i]) }
            body(token[i...i])
            runStart = i + 1
        }
        if runStart < token.count { body(token[runStart...]) }
    }
}

/// Splits text on added (special) tokens the way transformers' `Trie.split` does: the earliest
/// match wins, the longest one among those starting at the same place; matching is exact
/// (case-sensitive) on the raw text.
struct AddedTokenSplitter: Sendable {
    enum Piece {
        case text(Range<Int>)
        case token(id: Int)
    }

    private let tokens: [(scalars: [Unicode.Scalar], id: Int)]
    /// The distinct first scalars of the tokens (a handful: `[`, `<`).
    private let firstScalars: [Unicode.Scalar]

    init(_ tokens: [(content: String, id: Int)]) {
        let list = tokens.filter { !$0.content.isEmpty }.map { (Array($0.content.unicodeScalars), $0.id) }
        self.tokens = list.sorted { $0.0.count > $1.0.count }
        var firsts: [Unicode.Scalar] = []
        for (scalars, _) in list where !firsts.contains(scalars[0]) { firsts.append(scalars[0]) }
        self.firstScalars = firsts
    }

    /// The pieces of `text`: runs of ordinary text (never empty) and added tokens.
    func split(_ text: [Unicode.Scalar]) -> [Piece] {
        var pieces: [Piece] = []
        var textStart = 0
        var i = 0
        let n = text.count
        outer: while i < n {
            if firstScalars.contains(text[i]) {
                for (scalars, id) in tokens where i + scalars.count <= n {
                    var matches = true
                    for k in 0..<scalars.count where text[i + k] != scalars[k] {
                        matches = false
                        break
                    }
                    if matches {
                        if textStart < i { pieces.append(.text(textStart..<i)) }
                        pieces.append(.token(id: id))
                        i += scalars.count
                        textStart = i
                        continue outer
                    }
                }
            }
            i += 1
        }
        if textStart < n { pieces.append(.text(textStart..<n)) }
        return pieces
    }
}
