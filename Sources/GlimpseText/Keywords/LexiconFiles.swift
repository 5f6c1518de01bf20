import Foundation

/// Parsers for WordNet's index and exception files (format in `man 5 wndb`).
enum LexiconFiles {
    static func data(at url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TextError.lexiconNotFound(url) }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TextError.unreadableFile(url, reason: error.localizedDescription)
        }
    }

    /// Adds every lemma of an index file to `table` with its sense counts as `pos`.
    ///
    /// A line is `lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt
    /// synset_offset...` with exactly `synset_cnt` offsets; lines starting with a space are the
    /// license header. A file without a single entry is malformed too.
    static func readIndex(at url: URL, pos: PartOfSpeech, into table: inout ByteKeyTable) throws {
        let data = try data(at: url)
        let expectedCode: UInt8 = switch pos {
        case .noun: UInt8(ascii: "n")
        case .verb: UInt8(ascii: "v")
        case .adjective: UInt8(ascii: "a")
        case .adverb: UInt8(ascii: "r")
        }
        let shift = UInt64(pos.bitIndex * 16)
        var entries = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if line.isEmpty || line[0] == 0x20 { continue }
                func fail(_ reason: String) -> TextError {
                    .malformedLexicon(url, line: lineNumber, reason: reason)
                }
                var fields = FieldScanner(line)
                guard let lemma = fields.next(), lemma.count <= 0xFFFF else { throw fail("no lemma") }
                guard let code = fields.next(), code.count == 1, code[0] == expectedCode
                    || (pos == .adjective && code[0] == UInt8(ascii: "s"))
                else { throw fail("the part of speech is not '\(Character(Unicode.Scalar(expectedCode)))'") }
                guard let synsets = fields.nextNumber(), synsets > 0 else { throw fail("synset_cnt is not a positive number") }
                guard let pointers = fields.nextNumber() else { throw fail("p_cnt is not a number") }
                for _ in 0..<pointers where fields.next() == nil { throw fail("fewer pointer symbols than p_cnt") }
                guard let senses = fields.nextNumber(), senses == synsets else { throw fail("sense_cnt differs from synset_cnt") }
                guard let tagged = fields.nextNumber(), tagged <= senses else { throw fail("tagsense_cnt is not a number up to sense_cnt") }
                var offsets = 0
                while let offset = fields.next() {
                    guard offset.allSatisfy({ $0 &- 0x30 < 10 }) else { throw fail("a synset offset is not a number") }
                    offsets += 1
                }
                guard offsets == synsets else { throw fail("\(offsets) synset offsets for synset_cnt \(synsets)") }
                let value = UInt64(min(synsets, 255)) | UInt64(min(tagged, 255)) << 8
                table.insert(lemma, orValue: value << shift)
                entries += 1
            }
        }
        if entries == 0 { throw TextError.malformedLexicon(url, line: 1, reason: "the file has no entries") }
    }

    /// An exception list: lines `inflected base [base...]` (`knives knife`, `leaves leaf leave`).
    static func readExceptions(at url: URL) throws -> [String: [String]] {
        let data = try data(at: url)
        var exceptions: [String: [String]] = [:]
        exceptions.reserveCapacity(2_500)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                var fields = FieldScanner(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end + 1
                guard let inflected = fields.next() else { continue }
                var bases: [String] = []
                while let base = fields.next() { bases.append(String(decoding: base, as: UTF8.self)) }
                guard !bases.isEmpty else {
                    throw TextError.malformedLexicon(
                        url, line: lineNumber, reason: "expected an inflected form and at least one base form")
                }
                exceptions[String(decoding: inflected, as: UTF8.self), default: []].append(contentsOf: bases)
            }
        }
        return exceptions
    }
}

/// Space-separated fields of one line, without copying.
private struct FieldScanner {
    private let line: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ line: UnsafeBufferPointer<UInt8>) { self.line = line }

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        while position < line.count, line[position] == 0x20 || line[position] == 0x0D { position += 1 }
        guard position < line.count else { return nil }
        let start = position
        while position < line.count, line[position] != 0x20, line[position] != 0x0D { position += 1 }
        return UnsafeBufferPointer(rebasing: line[start..<position])
    }

    /// The next field as a non-negative decimal number (at most 6 digits), or nil.
    mutating func nextNumber() -> Int? {
        guard let field = next(), !field.isEmpty, field.count <= 6 else { return nil }
        var value = 0
        for b in field {
            guard b &- 0x30 < 10 else { return nil }
            value = value * 10 + Int(b &- 0x30)
        }
        return value
    }
}
