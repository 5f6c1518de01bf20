/// A parsed JSON value as SafeTensors headers and checkpoint indexes need it.
///
/// Numbers keep their literal text so integers are read exactly (no detour through `Double`), and
/// objects keep their members in order, duplicates included, so callers can reject duplicates.
enum SafeTensorsJSON: Equatable, Sendable {
    case object([Member])
    case array([SafeTensorsJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    struct Member: Equatable, Sendable {
        let key: String
        let value: SafeTensorsJSON
    }

    /// The value as an `Int` when it is an integer literal (no fraction or exponent) that fits.
    var exactInt: Int? {
        guard case .number(let text) = self,
              !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        else { return nil }
        return Int(text)
    }

    /// Compact JSON-like text for error messages.
    var summary: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string(let text): "\"\(text.prefix(40))\""
        case .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Whether `bytes` is well-formed UTF-8 (strict: no overlong forms, surrogates or truncated sequences).
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var decoder = Unicode.UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Parses a complete JSON document; whitespace may surround it (SafeTensors pads headers with spaces).
    /// The bytes must already be valid UTF-8.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SafeTensorsJSONFailure) -> SafeTensorsJSON {
        var parser = SafeTensorsJSONParser(bytes: bytes)
        return try parser.parseDocument()
    }
}

/// Why a JSON document could not be parsed, and the byte offset where parsing stopped.
struct SafeTensorsJSONFailure: Error, Equatable {
    let message: String
    let offset: Int

    var description: String { "\(message) at byte \(offset)" }
}

/// A small recursive-descent JSON parser (RFC 8259) over raw bytes, with a nesting limit so hostile
/// input cannot exhaust the stack.
struct SafeTensorsJSONParser {
    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(SafeTensorsJSONFailure) -> SafeTensorsJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected content after the JSON value") }
        return value
    }

    // MARK: Values

    private mutating func parseValue() throws(SafeTensorsJSONFailure) -> SafeTensorsJSON {
        guard let byte = peek() else { throw fail("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func parseObject() throws(SafeTensorsJSONFailure) -> SafeTensorsJSON {
        try enter()
        index += 1  // "{"
        var members: [SafeTensorsJSON.Member] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            members.append(.init(key: key, value: try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; depth -= 1; return .object(members)
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(SafeTensorsJSONFailure) -> SafeTensorsJSON {
        try enter()
        index += 1  // "["
        var elements: [SafeTensorsJSON] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; depth -= 1; return .array(elements)
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(SafeTensorsJSONFailure) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw fail("expected a digit") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let next = peek(), isDigit(next) else { throw fail("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let next = peek(), isDigit(next) else { throw fail("expected a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func parseString() throws(SafeTensorsJSONFailure) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw fail("control character in string") }
            index += 1
        }
        guard let stop = peek() else { throw fail("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        var scalars = Array(bytes[start..<index])
        while true {
            guard let byte = peek() else { throw fail("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &scalars)
            case ..<0x20:
                index -= 1
                throw fail("control character in string")
            default:
                scalars.append(byte)
            }
        }
    }

    private mutating func appendEscape(to buffer: inout [UInt8]) throws(SafeTensorsJSONFailure) {
        guard let byte = peek() else { throw fail("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var value = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(value) {
                guard peek() == UInt8(ascii: "\\") else { throw fail("unpaired surrogate") }
                index += 1
                guard peek() == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                index += 1
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw fail("unpaired surrogate")
            }
            guard let scalar = Unicode.Scalar(value) else { throw fail("invalid escape") }
            buffer.append(contentsOf: String(Character(scalar)).utf8)
        default:
            index -= 1
            throw fail("invalid escape")
        }
    }

    private mutating func parseHex4() throws(SafeTensorsJSONFailure) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw fail("truncated \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Helpers

    private mutating func expectLiteral(_ literal: StaticString) throws(SafeTensorsJSONFailure) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail("unexpected end of input") }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        guard bytes[index..<index + count].elementsEqual(expected) else { throw fail("invalid literal") }
        index += count
    }

    private mutating func enter() throws(SafeTensorsJSONFailure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func fail(_ message: String) -> SafeTensorsJSONFailure {
        SafeTensorsJSONFailure(message: message, offset: index)
    }
}
