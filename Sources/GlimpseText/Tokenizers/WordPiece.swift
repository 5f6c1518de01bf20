/// WordPiece vocabulary as a trie over Unicode scalars, for transformers' `WordpieceTokenizer`:
/// greedy longest-match-first, continuation pieces prefixed with `##`, a word longer than
/// `maxInputCharsPerWord` scalars or with an unmatched rest becomes one `[UNK]`.
struct WordPieceModel: Sendable {
    let trie: WordPieceTrie
    let unknownId: Int
    let maxInputCharsPerWord: Int

    /// `vocabulary` in file order; a token listed twice keeps its last id (as transformers' dict).
    init(vocabulary: [(token: String, id: Int)], unknownId: Int, maxInputCharsPerWord: Int = 100) {
        self.init(trie: WordPieceTrie(vocabulary: vocabulary), unknownId: unknownId, maxInputCharsPerWord: maxInputCharsPerWord)
    }

    init(trie: WordPieceTrie, unknownId: Int, maxInputCharsPerWord: Int = 100) {
        self.trie = trie
        self.unknownId = unknownId
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Appends the ids of one word (no whitespace in it) to `ids`.
    func appendIds(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int]) {
        if word.count > maxInputCharsPerWord {
            ids.append(unknownId)
            return
        }
        let mark = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            var node: Int32 = start == word.startIndex ? 0 : trie.continuationNode
            var bestEnd = -1
            var bestId: Int32 = -1
            var i = start
            while node >= 0, i < word.endIndex {
                guard let next = trie.children[UInt64(node) << 21 | UInt64(word[i].value)] else { break }
                node = Int32(truncatingIfNeeded: next)
                i += 1
                let id = trie.nodeTokenId[Int(node)]
                if id >= 0 {
                    bestEnd = i
                    bestId = id
                }
            }
            if bestEnd < 0 {
                ids.removeSubrange(mark...)
                ids.append(unknownId)
                return
            }
            ids.append(Int(bestId))
            start = bestEnd
        }
    }
}

/// The WordPiece vocabulary as a trie over Unicode scalars: what `WordPieceModel` walks, and what a
/// compiled copy of a BERT tokenizer stores instead of rebuilding it from vocab.txt.
struct WordPieceTrie: Sendable {
    /// `(node << 21) | scalar` → child node.
    let children: IntegerTable
    /// Token id of the vocabulary entry ending at each node, or -1.
    let nodeTokenId: [Int32]
    /// The node reached by `##`, where continuation pieces start (-1 if the vocabulary has none).
    let continuationNode: Int32

    /// `vocabulary` in file order; a token listed twice keeps its last id.
    init(vocabulary: [(token: String, id: Int)]) {
        var children = IntegerTable(capacity: vocabulary.count)
        var nodeTokenId: [Int32] = [-1]
        nodeTokenId.reserveCapacity(vocabulary.count * 3)
        func child(_ node: Int32, _ s: Unicode.Scalar, create: Bool) -> Int32 {
            let key = UInt64(node) << 21 | UInt64(s.value)
            if let next = children[key] { return Int32(truncatingIfNeeded: next) }
            guard create else { return -1 }
            let next = Int32(nodeTokenId.count)
            nodeTokenId.append(-1)
            children[key] = UInt64(next)
            return next
        }
        for (token, id) in vocabulary {
            var node: Int32 = 0
            for s in token.unicodeScalars { node = child(node, s, create: true) }
            nodeTokenId[Int(node)] = Int32(id)
        }
        let hash = child(0, "#", create: false)
        self.continuationNode = hash < 0 ? -1 : child(hash, "#", create: false)
        self.children = children
        self.nodeTokenId = nodeTokenId
    }

    private init(children: IntegerTable, nodeTokenId: [Int32], continuationNode: Int32) {
        self.children = children
        self.nodeTokenId = nodeTokenId
        self.continuationNode = continuationNode
    }

    func serialize(into writer: inout BinaryWriter) {
        writer.append(nodeTokenId)
        writer.append([Int64(continuationNode)])
        children.serialize(into: &writer)
    }

    /// The trie `serialize(into:)` wrote; nil unless every child and the continuation node are nodes of
    /// the trie (a damaged copy must not index past `nodeTokenId`).
    init?(reading reader: inout BinaryReader) {
        guard let nodeTokenId = reader.array(of: Int32.self), let continuation = reader.array(of: Int64.self),
              continuation.count == 1, let children = IntegerTable(reading: &reader), !nodeTokenId.isEmpty
        else { return nil }
        let nodes = UInt64(nodeTokenId.count)
        guard continuation[0] >= -1, continuation[0] < Int64(nodes) else { return nil }
        var valid = true
        children.forEachValue { if $0 >= nodes { valid = false } }
        guard valid else { return nil }
        self.init(children: children, nodeTokenId: nodeTokenId, continuationNode: Int32(continuation[0]))
    }
}
