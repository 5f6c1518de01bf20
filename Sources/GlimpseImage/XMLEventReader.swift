import Foundation

/// A small, strict-enough XML reader for metadata packets (XMP): it turns bytes into a flat list of
/// events — elements opening and closing, with their attributes, and text — with namespace prefixes
/// resolved.
///
/// It expands only the five predefined entities and numeric character references: a document type's
/// own entities are never expanded (no "billion laughs"), and the document type itself is skipped.
/// Comments and processing instructions are skipped; CDATA is text. Malformed input — an unclosed tag,
/// a closing tag that does not match, nesting deeper than `maximumDepth` — makes `read` return nil.
struct XMLEventReader {
    /// A name resolved against the namespaces in scope: its namespace's URI ("" when it has none) and
    /// its local part.
    struct Name: Hashable {
        var namespace: String
        var local: String
    }

    enum Event: Equatable {
        case open(Name, attributes: [Name: String])
        case close(Name)
        case text(String)
    }

    static let maximumDepth = 200
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The events of `bytes`, or nil when they are not well-formed XML as far as this reader checks.
    static func read(_ bytes: [UInt8]) -> [Event]? {
        var reader = XMLEventReader(bytes: bytes)
        return reader.run()
    }

    private let bytes: [UInt8]
    private var position = 0
    private var events: [Event] = []
    /// Open elements: their names as written and the namespace declarations they made.
    private var open: [(qualified: String, resolved: Name, declarations: [String: String])] = []

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func run() -> [Event]? {
        var text: [UInt8] = []
        func flush(_ events: inout [Event]) {
            if !text.isEmpty {
                events.append(.text(Self.decode(text)))
                text.removeAll(keepingCapacity: true)
            }
        }
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                text.append(bytes[position])
                position += 1
                continue
            }
            if starts(with: "<![CDATA[") {
                guard let end = find("]]>", from: position + 9) else { return nil }
                // CDATA holds no markup: escape it so that `decode` leaves it as it is.
                text += Array(String(decoding: bytes[position + 9..<end], as: UTF8.self)
                    .replacingOccurrences(of: "&", with: "&amp;").utf8)
                position = end + 3
                continue
            }
            flush(&events)
            if starts(with: "<!--") {
                guard let end = find("-->", from: position + 4) else { return nil }
                position = end + 3
            } else if starts(with: "<?") {
                guard let end = find("?>", from: position + 2) else { return nil }
                position = end + 2
            } else if starts(with: "<!") {
                guard skipDeclaration() else { return nil }
            } else if starts(with: "</") {
                guard let end = find(">", from: position + 2) else { return nil }
                let name = String(decoding: bytes[position + 2..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard let last = open.popLast(), last.qualified == name else { return nil }
                events.append(.close(last.resolved))
                position = end + 1
            } else {
                guard openElement() else { return nil }
            }
        }
        flush(&events)
        return open.isEmpty ? events : nil
    }

    /// Skips `<!DOCTYPE …>` and other declarations, with an internal subset in brackets.
    private mutating func skipDeclaration() -> Bool {
        var depth = 0
        var index = position + 2
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0:
                position = index + 1
                return true
            default: break
            }
            index += 1
        }
        return false
    }

    /// Reads `<name attr="value" …>` or `<name …/>` at `position`.
    private mutating func openElement() -> Bool {
        var index = position + 1
        let name = readName(&index)
        guard !name.isEmpty else { return false }
        var raw: [(String, String)] = []
        while true {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ">") || (bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count
                                                     && bytes[index + 1] == UInt8(ascii: ">")) { break }
            let attribute = readName(&index)
            guard !attribute.isEmpty else { return false }
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return false }
            index += 1
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return false }
            let quote = bytes[index]
            guard let end = bytes[(index + 1)...].firstIndex(of: quote) else { return false }
            raw.append((attribute, Self.decode(Array(bytes[index + 1..<end]))))
            index = end + 1
        }
        let selfClosing = bytes[index] == UInt8(ascii: "/")
        position = index + (selfClosing ? 2 : 1)

        var declarations: [String: String] = [:]
        for (attribute, value) in raw {
            if attribute == "xmlns" { declarations[""] = value }
            if attribute.hasPrefix("xmlns:") { declarations[String(attribute.dropFirst(6))] = value }
        }
        guard open.count < Self.maximumDepth else { return false }
        open.append((name, Name(namespace: "", local: name), declarations))
        let resolved = resolve(name, isAttribute: false)
        open[open.count - 1].resolved = resolved
        var attributes: [Name: String] = [:]
        for (attribute, value) in raw where attribute != "xmlns" && !attribute.hasPrefix("xmlns:") {
            attributes[resolve(attribute, isAttribute: true)] = value
        }
        events.append(.open(resolved, attributes: attributes))
        if selfClosing {
            open.removeLast()
            events.append(.close(resolved))
        }
        return true
    }

    /// `prefix:local` against the declarations in scope (an attribute without a prefix has no namespace).
    private func resolve(_ qualified: String, isAttribute: Bool) -> Name {
        let parts = qualified.split(separator: ":", maxSplits: 1).map(String.init)
        let (prefix, local) = parts.count == 2 ? (parts[0], parts[1]) : ("", qualified)
        if prefix == "xml" { return Name(namespace: Self.xmlNamespace, local: local) }
        if prefix.isEmpty && isAttribute { return Name(namespace: "", local: local) }
        let namespace = open.reversed().lazy.compactMap { $0.declarations[prefix] }.first ?? ""
        return Name(namespace: namespace, local: local)
    }

    private func readName(_ index: inout Int) -> String {
        let start = index
        while index < bytes.count, !Self.isSpace(bytes[index]),
              ![UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "<")].contains(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func starts(with marker: String) -> Bool {
        let utf8 = Array(marker.utf8)
        return position + utf8.count <= bytes.count && bytes[position..<position + utf8.count].elementsEqual(utf8)
    }

    private func find(_ marker: String, from start: Int) -> Int? {
        let utf8 = Array(marker.utf8)
        guard start <= bytes.count - utf8.count else { return nil }
        var index = start
        while index <= bytes.count - utf8.count {
            if bytes[index] == utf8[0], bytes[index..<index + utf8.count].elementsEqual(utf8) { return index }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Text with the predefined entities and character references expanded; an unknown entity is kept as written.
    static func decode(_ raw: [UInt8]) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].prefix(12).firstIndex(of: ";") else {
                result.append("&")
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            if let expanded = expand(entity) {
                result.unicodeScalars.append(expanded)
            } else {
                result += rest[amp...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    private static func expand(_ entity: Substring) -> Unicode.Scalar? {
        switch entity {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}
