/// A parser for one JSON shape, `{"token": id, ...}` (a `vocab.json`), several times faster than
/// `JSONSerialization` and keeping each token's exact UTF-8 bytes.
struct VocabularyJSONParser {
    struct Failure: Error {
        var reason: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// The token being read, unescaped (one buffer for all of them).
    private var token: [UInt8] = []

    /// Calls `entry` with each token's UTF-8 bytes (valid during the call only) and its id, in file order
    /// (a repeated key comes twice; the caller keeps the last).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ entry: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var parser = VocabularyJSONParser(bytes: bytes)
        try parser.object(entry)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw Failure(reason: "expected \(what) at byte \(i)") }
        i += 1
    }

    private mutating func object(_ entry: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }  // BOM
        try expect(UInt8(ascii: "{"), "'{' (a JSON object of token → id)")
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                try expect(UInt8(ascii: "\""), "a token string")
                try string()
                try expect(UInt8(ascii: ":"), "':'")
                skipSpace()
                let id = try integer()
                try token.withUnsafeBufferPointer { try entry($0, id) }
                skipSpace()
                guard i < bytes.count else { throw Failure(reason: "the object is not closed") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                break
            }
        }
        skipSpace()
        guard i == bytes.count else { throw Failure(reason: "unexpected data after the object at byte \(i)") }
    }

    /// The id of the token just read.
    private mutating func integer() throws -> Int {
        let start = i
        var value = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, i - start < 12 {
            value = value * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        let next = i < bytes.count ? bytes[i] : 0
        if i == start || next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E")
            || (next >= 0x30 && next <= 0x39)
        {
            throw Failure(reason: "the id of \"\(String(decoding: token, as: UTF8.self))\" is not a non-negative integer")
        }
        return value
    }

    /// Reads the string after an opening quote into `token`, unescaped, as UTF-8.
    private mutating func string() throws {
        token.removeAll(keepingCapacity: true)
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return }
            if b != UInt8(ascii: "\\") {
                token.append(b)
                continue
            }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): token.append(e)
            case UInt8(ascii: "b"): token.append(0x08)
            case UInt8(ascii: "f"): token.append(0x0C)
            case UInt8(ascii: "n"): token.append(0x0A)
            case UInt8(ascii: "r"): token.append(0x0D)
            case UInt8(ascii: "t"): token.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800, code < 0xDC00 {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw Failure(reason: "unpaired surrogate escape at byte \(i)")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00, low < 0xE000 else { throw Failure(reason: "bad surrogate pair at byte \(i)") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw Failure(reason: "lone surrogate escape at byte \(i)") }
                appendUTF8(CollectionOfOne(scalar), to: &token)
            default:
                throw Failure(reason: "bad escape \\\(Character(Unicode.Scalar(e))) at byte \(i)")
            }
        }
        throw Failure(reason: "a string is not closed")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure(reason: "truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = UInt32(bytes[i])
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw Failure(reason: "bad \\u escape at byte \(i)")
            }
            v = v << 4 | digit
            i += 1
        }
        return v
    }
}
