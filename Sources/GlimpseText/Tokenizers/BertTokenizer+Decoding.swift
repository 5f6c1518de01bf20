extension BertTokenizer {
    /// transformers' slow `decode`: tokens joined by spaces, `" ##"` removed, stripped; legacy
    /// added tokens (`[ENC]` in BLIP) as separate pieces; then `clean_up_tokenization` if enabled.
    /// Ids outside the vocabulary read as `[UNK]` (a special token, so skipped when asked).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var pieces: [[UInt8]] = []
        var current: [[UInt8]] = []
        for id in ids {
            if skipSpecialTokens, specialTokenIds.contains(id) { continue }
            let token = token(for: id)
            if skipSpecialTokens, tables.specialTokenContents.contains(token) { continue }
            if tables.legacyTokens.contains(token) {
                if !current.isEmpty {
                    let text = Self.joinWordPieces(current)
                    if !text.isEmpty { pieces.append(text) }
                    current.removeAll()
                }
                pieces.append(token)
            } else {
                current.append(token)
            }
        }
        if !current.isEmpty { pieces.append(Self.joinWordPieces(current)) }
        var bytes: [UInt8] = []
        for (i, piece) in pieces.enumerated() {
            if i > 0 { bytes.append(0x20) }
            bytes += piece
        }
        if cleanUpTokenizationSpaces { bytes = PythonText.cleanUpTokenization(bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `convert_tokens_to_string`: `" ".join(tokens).replace(" ##", "").strip()`.
    private static func joinWordPieces(_ tokens: [[UInt8]]) -> [UInt8] {
        var joined: [UInt8] = []
        for (i, token) in tokens.enumerated() {
            if i > 0 { joined.append(0x20) }
            joined += token
        }
        joined = PythonText.replace(joined, hashJoin, with: [])
        return Array(PythonText.strip(String(decoding: joined, as: UTF8.self)).utf8)
    }

    private static let hashJoin: [UInt8] = Array(" ##".utf8)
}
