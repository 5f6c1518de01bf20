/// A small gzip (RFC 1952) / DEFLATE (RFC 1951) decoder for the committed test fixtures, so the
/// tests need no zlib module. Written for clarity over speed.
enum Gunzip {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decompress(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count >= 18, data[0] == 0x1F, data[1] == 0x8B, data[2] == 8 else {
            throw Failure(description: "not a gzip file")
        }
        let flags = data[3]
        var pos = 10
        if flags & 4 != 0 { pos += 2 + Int(data[pos]) + Int(data[pos + 1]) << 8 }
        if flags & 8 != 0 { while data[pos] != 0 { pos += 1 }; pos += 1 }
        if flags & 16 != 0 { while data[pos] != 0 { pos += 1 }; pos += 1 }
        if flags & 2 != 0 { pos += 2 }
        var reader = BitReader(bytes: data, position: pos)
        let out = try inflate(&reader)
        let end = reader.bytePosition
        guard end + 8 <= data.count else { throw Failure(description: "truncated gzip trailer") }
        let size = (0..<4).reduce(0) { $0 | Int(data[end + 4 + $1]) << (8 * $1) }
        guard size == out.count & 0xFFFF_FFFF else { throw Failure(description: "gzip size mismatch") }
        guard crc32(out) == (0..<4).reduce(UInt32(0), { $0 | UInt32(data[end + $1]) << (8 * UInt32($1)) }) else {
            throw Failure(description: "gzip CRC mismatch")
        }
        return out
    }

    struct BitReader {
        let bytes: [UInt8]
        var position: Int
        var buffer: UInt32 = 0
        var count: UInt32 = 0

        init(bytes: [UInt8], position: Int) {
            self.bytes = bytes
            self.position = position
        }

        mutating func bits(_ n: UInt32) throws -> Int {
            while count < n {
                guard position < bytes.count else { throw Failure(description: "truncated deflate data") }
                buffer |= UInt32(bytes[position]) << count
                position += 1
                count += 8
            }
            let value = buffer & ((1 << n) - 1)
            buffer >>= n
            count -= n
            return Int(value)
        }

        mutating func alignToByte() {
            position -= Int(count / 8)
            buffer = 0
            count = 0
        }

        /// The first byte not consumed (after `alignToByte`).
        var bytePosition: Int { position }
    }

    /// Canonical Huffman code: symbols sorted by code length, and the number of codes per length.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init(lengths: [Int]) {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for l in 1..<16 { offsets[l] = offsets[l - 1] + counts[l - 1] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }

        func decode(_ reader: inout BitReader) throws -> Int {
            var code = 0
            var first = 0
            var index = 0
            for l in 1..<16 {
                code |= try reader.bits(1)
                let count = counts[l]
                if code - first < count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw Failure(description: "bad Huffman code")
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
                                     115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [UInt32] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                                5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [UInt32] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                                  10, 11, 11, 12, 12, 13, 13]

    private static func inflate(_ reader: inout BitReader) throws -> [UInt8] {
        var out: [UInt8] = []
        var last = false
        while !last {
            last = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0:
                reader.alignToByte()
                var p = reader.position
                guard p + 4 <= reader.bytes.count else { throw Failure(description: "truncated stored block") }
                let length = Int(reader.bytes[p]) | Int(reader.bytes[p + 1]) << 8
                p += 4
                guard p + length <= reader.bytes.count else { throw Failure(description: "truncated stored block") }
                out += reader.bytes[p..<(p + length)]
                reader.position = p + length
            case 1:
                let literal = Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
                let distance = Huffman(lengths: [Int](repeating: 5, count: 30))
                try inflateBlock(&reader, literal, distance, &out)
            case 2:
                let literalCount = try reader.bits(5) + 257
                let distanceCount = try reader.bits(5) + 1
                let codeCount = try reader.bits(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var codeLengths = [Int](repeating: 0, count: 19)
                for i in 0..<codeCount { codeLengths[order[i]] = try reader.bits(3) }
                let codes = Huffman(lengths: codeLengths)
                var lengths: [Int] = []
                while lengths.count < literalCount + distanceCount {
                    let symbol = try codes.decode(&reader)
                    switch symbol {
                    case 0..<16: lengths.append(symbol)
                    case 16:
                        guard let previous = lengths.last else { throw Failure(description: "repeat with no length") }
                        lengths += repeatElement(previous, count: 3 + (try reader.bits(2)))
                    case 17: lengths += repeatElement(0, count: 3 + (try reader.bits(3)))
                    default: lengths += repeatElement(0, count: 11 + (try reader.bits(7)))
                    }
                }
                let literal = Huffman(lengths: Array(lengths[0..<literalCount]))
                let distance = Huffman(lengths: Array(lengths[literalCount..<(literalCount + distanceCount)]))
                try inflateBlock(&reader, literal, distance, &out)
            default:
                throw Failure(description: "bad deflate block type")
            }
        }
        reader.alignToByte()
        return out
    }

    private static func inflateBlock(
        _ reader: inout BitReader, _ literal: Huffman, _ distance: Huffman, _ out: inout [UInt8]
    ) throws {
        while true {
            let symbol = try literal.decode(&reader)
            if symbol < 256 {
                out.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let i = symbol - 257
                guard i < 29 else { throw Failure(description: "bad length symbol") }
                let length = lengthBase[i] + (try reader.bits(lengthExtra[i]))
                let d = try distance.decode(&reader)
                guard d < 30 else { throw Failure(description: "bad distance symbol") }
                let back = distanceBase[d] + (try reader.bits(distanceExtra[d]))
                guard back <= out.count else { throw Failure(description: "distance too far back") }
                let start = out.count - back
                for k in 0..<length { out.append(out[start + k]) }
            }
        }
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
