import Foundation
import Testing
@testable import GlimpseRuntime

/// Hostile and broken files, built byte by byte: each must fail with its own error, never crash.
@Suite("SafeTensors validation")
struct SafeTensorsValidationTests {
    typealias Support = SafeTensorsTestSupport
    let file = "bad.safetensors"

    // MARK: Framing

    @Test("an empty file")
    func emptyFile() throws {
        try Support.withTemporaryDirectory { directory in
            let url = try Support.write([], to: directory)
            #expect(throws: SafeTensorsError.emptyFile(path: url.path)) { try SafeTensorsFile(url: url) }
        }
    }

    @Test("a 4-byte file")
    func fourBytes() {
        #expect(throws: SafeTensorsError.fileTooSmall(file: file, size: 4)) { try Support.open([1, 0, 0, 0]) }
    }

    @Test("a header length of zero")
    func zeroLength() {
        #expect(throws: SafeTensorsError.headerLengthZero(file: file)) {
            try Support.open(Support.file(header: "{}", declaredLength: 0))
        }
    }

    @Test("a header length larger than the file")
    func lengthBeyondFile() {
        let bytes = Support.file(header: "{}", declaredLength: 1000)
        #expect(throws: SafeTensorsError.headerLengthExceedsFile(file: file, length: 1000, available: 2)) {
            try Support.open(bytes)
        }
    }

    @Test("a header length of 2^63")
    func hugeLength() {
        #expect(throws: SafeTensorsError.headerTooLarge(file: file, length: 1 << 63, limit: 100_000_000)) {
            try Support.open(Support.file(header: "{}", declaredLength: 1 << 63))
        }
    }

    @Test("a 200 MB header claimed")
    func absurdLength() {
        #expect(throws: SafeTensorsError.headerTooLarge(file: file, length: 200_000_000, limit: 100_000_000)) {
            try Support.open(Support.file(header: "{}", declaredLength: 200_000_000))
        }
    }

    @Test("a missing file and a directory")
    func unreadable() throws {
        try Support.withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("none.safetensors")
            #expect(throws: SafeTensorsError.fileUnreadable(path: missing.path, reason: "No such file or directory")) {
                try SafeTensorsFile(url: missing)
            }
            #expect(throws: SafeTensorsError.notARegularFile(path: directory.path)) {
                try SafeTensorsFile(url: directory)
            }
        }
    }

    // MARK: Header text

    @Test("a header that is not JSON")
    func notJSON() throws {
        for text in ["not json", "{\"a\": }", "{} trailing", String(repeating: "[", count: 100_000), "{\"t\": 01}"] {
            let error = try #require(throws: SafeTensorsError.self) { try Support.open(Support.file(header: text)) }
            guard case .headerNotJSON(file, _) = error else {
                Issue.record("expected headerNotJSON for \(text.prefix(20)), got \(error)")
                continue
            }
        }
    }

    @Test("a header that is a JSON array")
    func arrayHeader() {
        #expect(throws: SafeTensorsError.headerNotObject(file: file)) { try Support.open(Support.file(header: "[1, 2]")) }
    }

    @Test("a header that is not UTF-8")
    func notUTF8() {
        let header = Array(#"{""#.utf8) + [0xC3, 0x28] + Array(#"": null}"#.utf8)  // C3 28: broken 2-byte sequence
        #expect(throws: SafeTensorsError.headerNotUTF8(file: file)) { try Support.open(Support.file(headerBytes: header)) }
    }

    @Test("an empty header object, space padding and a gap in the data are accepted")
    func lenient() throws {
        #expect(try Support.open(Support.file(header: "{}     ")).tensors.isEmpty)
        let header = #"{"a": {"dtype": "U8", "shape": [2], "data_offsets": [4, 6]}, "__metadata__": null}   "#
        let opened = try Support.open(Support.file(header: header, data: [9, 9, 9, 9, 1, 2, 9]))
        #expect(try opened.int64s("a") == [1, 2])
        #expect(opened.metadata.isEmpty)
    }

    // MARK: Entries

    @Test("metadata with a non-string value")
    func badMetadata() throws {
        let header = #"{"__metadata__": {"format": "pt", "epoch": 3}}"#
        let error = try #require(throws: SafeTensorsError.self) { try Support.open(Support.file(header: header)) }
        #expect(error == .invalidMetadata(file: file, detail: "value of 'epoch' is 3, not a string"))
        #expect(throws: SafeTensorsError.self) { try Support.open(Support.file(header: #"{"__metadata__": []}"#)) }
    }

    @Test("an entry that is not an object")
    func entryNotObject() {
        #expect(throws: SafeTensorsError.entryNotObject(file: file, tensor: "t")) {
            try Support.open(Support.file(header: #"{"t": [1]}"#))
        }
    }

    @Test("an entry without dtype, shape or data_offsets", arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) throws {
        let fields = [#""dtype": "F32""#, #""shape": [2]"#, #""data_offsets": [0, 8]"#]
            .filter { !$0.hasPrefix("\"\(field)\"") }
        let header = #"{"t": {"# + fields.joined(separator: ", ") + "}}"
        #expect(throws: SafeTensorsError.missingField(file: file, tensor: "t", field: field)) {
            try Support.open(Support.file(header: header, data: Array(repeating: 0, count: 8)))
        }
    }

    @Test("an unknown dtype")
    func badDtype() {
        #expect(throws: SafeTensorsError.unknownDataType(file: file, tensor: "t", dtype: "F17")) {
            try Support.open(Support.file(header: Support.header(dtype: "F17"), data: Array(repeating: 0, count: 8)))
        }
    }

    @Test("invalid dimensions", arguments: ["-1", "1.5", "2e0", "\"2\"", "null", "99999999999999999999"])
    func badDimension(dim: String) {
        let header = Support.header(shape: "[\(dim), 1]")
        #expect(throws: SafeTensorsError.invalidDimension(file: file, tensor: "t", value: dim)) {
            try Support.open(Support.file(header: header, data: Array(repeating: 0, count: 8)))
        }
    }

    @Test("a shape that is not an array")
    func shapeNotArray() {
        #expect(throws: SafeTensorsError.shapeNotArray(file: file, tensor: "t")) {
            try Support.open(Support.file(header: Support.header(shape: "2"), data: Array(repeating: 0, count: 8)))
        }
    }

    @Test("dimensions whose product overflows Int")
    func shapeOverflow() {
        for shape in ["[4294967296, 4294967296]", "[9223372036854775807, 2]", "[2305843009213693952]"] {
            #expect(throws: SafeTensorsError.shapeOverflow(file: file, tensor: "t"), "\(shape)") {
                try Support.open(Support.file(header: Support.header(shape: shape), data: Array(repeating: 0, count: 8)))
            }
        }
    }

    @Test("malformed data_offsets", arguments: ["[0]", "[0, 4, 8]", "[-4, 4]", "[0, 8.0]", "\"0-8\"", "[0, null]"])
    func badOffsets(offsets: String) throws {
        let bytes = Support.file(header: Support.header(offsets: offsets), data: Array(repeating: 0, count: 8))
        let error = try #require(throws: SafeTensorsError.self) { try Support.open(bytes) }
        guard case .invalidDataOffsets(file, "t", _) = error else {
            Issue.record("expected invalidDataOffsets, got \(error)")
            return
        }
    }

    @Test("offsets whose end lies beyond the file")
    func offsetsBeyond() {
        let bytes = Support.file(header: Support.header(offsets: "[4, 12]"), data: Array(repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.offsetsBeyondData(file: file, tensor: "t", end: 12, dataSize: 8)) {
            try Support.open(bytes)
        }
        let huge = Support.file(header: Support.header(shape: "[0]", offsets: "[9223372036854775807, 9223372036854775807]"))
        #expect(throws: SafeTensorsError.self) { try Support.open(huge) }
    }

    @Test("offsets with end before begin")
    func offsetsReversed() {
        let bytes = Support.file(header: Support.header(offsets: "[8, 0]"), data: Array(repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.offsetsReversed(file: file, tensor: "t", begin: 8, end: 0)) {
            try Support.open(bytes)
        }
    }

    @Test("a byte count that does not match the shape")
    func byteCountMismatch() {
        let bytes = Support.file(header: Support.header(shape: "[3]", offsets: "[0, 8]"), data: Array(repeating: 0, count: 16))
        #expect(throws: SafeTensorsError.byteCountMismatch(file: file, tensor: "t", expected: 12, actual: 8)) {
            try Support.open(bytes)
        }
    }

    @Test("two overlapping tensors")
    func overlap() {
        let header = #"{"b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}, "#
            + #""a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        #expect(throws: SafeTensorsError.overlappingTensors(file: file, first: "a", second: "b")) {
            try Support.open(Support.file(header: header, data: Array(repeating: 0, count: 12)))
        }
        let sameStart = #"{"x": {"dtype": "U8", "shape": [0], "data_offsets": [0, 0]}, "#
            + #""y": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}"#
        #expect(throws: Never.self) { try Support.open(Support.file(header: sameStart, data: [1])) }
    }

    @Test("a tensor listed twice")
    func duplicate() {
        let header = #"{"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "#
            + #""t": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}"#
        #expect(throws: SafeTensorsError.duplicateTensor(file: file, tensor: "t")) {
            try Support.open(Support.file(header: header, data: [1, 2]))
        }
    }

    @Test("sub-byte types must fill whole bytes")
    func subByte() throws {
        #expect(throws: SafeTensorsError.partialByte(file: file, tensor: "t")) {
            try Support.open(Support.file(header: Support.header(dtype: "F4", shape: "[3]", offsets: "[0, 2]"), data: [0, 0]))
        }
        let fine = try Support.open(Support.file(header: Support.header(dtype: "F4", shape: "[4]", offsets: "[0, 2]"), data: [0, 0]))
        #expect(try fine.info("t").byteCount == 2)
    }

    // MARK: Views

    @Test("a misaligned F32 tensor: the zero-copy view refuses, floats() copies")
    func misaligned() throws {
        // A 5-byte header puts the data section at byte 13 of a page-aligned mapping.
        let values: [Float] = [1.5, -2, .infinity]
        var header = Support.header(shape: "[3]", offsets: "[0, 12]")
        while (8 + header.utf8.count) % 4 == 0 { header += " " }
        let opened = try Support.open(Support.file(header: header, data: Support.bytes(of: values)))
        #expect(throws: SafeTensorsError.misaligned(tensor: "t", alignment: 4)) { try opened.float32Buffer("t") }
        #expect(try opened.floats("t") == values)
    }

    @Test("random truncations and corruptions never crash or escape the buffer")
    func fuzz() throws {
        let original = try Array(Data(contentsOf: Support.fixture("mixed.safetensors")))
        var random = SafeTensorsTestRandom(state: 42)
        var candidates: [[UInt8]] = (0..<original.count).map { Array(original[..<$0]) }
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<min(bytes.count, 8 + 830), using: &random)
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            candidates.append(bytes)
        }
        var accepted = 0
        for bytes in candidates {
            bytes.withUnsafeBytes { buffer in
                do {
                    let header = try SafeTensorsHeader(bytes: buffer, file: "fuzz")
                    accepted += 1
                    for info in header.tensors.values {
                        #expect(info.fileOffset + info.byteCount <= buffer.count)
                        #expect(info.fileOffset >= 8 + header.headerLength)
                    }
                } catch {
                    #expect(error is SafeTensorsError)
                }
            }
        }
        #expect(accepted > 0 && accepted < candidates.count)
    }
}
