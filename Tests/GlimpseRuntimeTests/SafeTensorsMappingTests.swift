import Foundation
import Testing
@testable import GlimpseRuntime

/// The memory mapping, the data type table and the 16-bit float conversions.
@Suite("SafeTensors mapping and types")
struct SafeTensorsMappingTests {
    typealias Support = SafeTensorsTestSupport

    @Test("MappedFile maps the whole file read-only and survives madvise(DONTNEED)")
    func mapping() throws {
        try Support.withTemporaryDirectory { directory in
            let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let url = try Support.write(bytes, to: directory, name: "blob.bin")
            let mapped = try MappedFile(url: url)
            #expect(mapped.url == url)
            #expect(mapped.count == bytes.count)
            #expect(Int(bitPattern: mapped.bytes.baseAddress) % 4096 == 0)
            #expect(Array(mapped.bytes) == bytes)
            #expect(mapped.adviseDontNeed())
            #expect(Array(mapped.bytes) == bytes)  // pages come back from the file
        }
    }

    @Test("MappedFile refuses empty, missing and non-regular files")
    func mappingErrors() throws {
        try Support.withTemporaryDirectory { directory in
            let empty = try Support.write([], to: directory, name: "empty.bin")
            #expect(throws: SafeTensorsError.emptyFile(path: empty.path)) { try MappedFile(url: empty) }
            let missing = directory.appendingPathComponent("missing.bin")
            let error = try #require(throws: SafeTensorsError.self) { try MappedFile(url: missing) }
            guard case .fileUnreadable(missing.path, _) = error else {
                Issue.record("expected fileUnreadable, got \(error)")
                return
            }
            #expect(throws: SafeTensorsError.notARegularFile(path: directory.path)) { try MappedFile(url: directory) }
        }
    }

    @Test("the mapping outlives the file name and the SafeTensorsFile's callers")
    func lifetime() throws {
        let file = try Support.withTemporaryDirectory { directory in
            try SafeTensorsFile(url: Support.write(
                Support.file(header: Support.header(), data: Support.bytes(of: [3, 4])), to: directory))
        }
        // The folder is deleted; the mapping still holds the data.
        #expect(try file.floats("t") == [3, 4])
    }

    @Test("every safetensors dtype has its size and ONNX element type")
    func dataTypes() {
        #expect(SafeTensorsDataType.allCases.count == 22)
        let table: [(String, Int, Int32)] = [
            ("BOOL", 8, 9), ("U8", 8, 2), ("I8", 8, 3), ("F8_E5M2", 8, 19), ("F8_E4M3", 8, 17),
            ("I16", 16, 5), ("U16", 16, 4), ("F16", 16, 10), ("BF16", 16, 16), ("I32", 32, 6),
            ("U32", 32, 12), ("F32", 32, 1), ("F64", 64, 11), ("I64", 64, 7), ("U64", 64, 13),
            ("F4", 4, 23), ("F8_E8M0", 8, 24), ("C64", 64, 14), ("F8_E4M3FNUZ", 8, 18), ("F8_E5M2FNUZ", 8, 20),
        ]
        for (name, bits, onnx) in table {
            let dtype = SafeTensorsDataType(rawValue: name)
            #expect(dtype?.bitWidth == bits, "\(name)")
            #expect(dtype?.onnxElementType == onnx, "\(name)")
        }
        #expect(SafeTensorsDataType.float32.byteSize == 4 && SafeTensorsDataType.float4E2M1.byteSize == 1)
        #expect(SafeTensorsDataType.float6E2M3.onnxElementType == 0)
    }

    @Test("float16 conversion matches the definition for all 65,536 bit patterns")
    func float16Exhaustive() {
        for bits in 0...UInt16.max {
            let got = SafeTensorsConversion.float(fromFloat16Bits: bits)
            let sign: Float = bits & 0x8000 == 0 ? 1 : -1
            let exponent = Int(bits >> 10) & 0x1F
            let mantissa = Float(bits & 0x3FF)
            switch exponent {
            case 0x1F where mantissa == 0:
                #expect(got == sign * .infinity)
            case 0x1F:
                #expect(got.isNaN && got.bitPattern == UInt32(bits & 0x8000) << 16 | 0x7F80_0000 | UInt32(bits & 0x3FF) << 13)
            case 0:
                let want = sign * mantissa * 0x1p-24
                #expect(got.bitPattern == want.bitPattern, "\(bits)")
            default:
                let want = sign * Float(sign: .plus, exponent: exponent - 25, significand: 1024 + mantissa)
                #expect(got.bitPattern == want.bitPattern, "\(bits)")
            }
        }
    }

    @Test("bfloat16 conversion keeps the high half of the float bits")
    func bfloat16() {
        #expect(SafeTensorsConversion.float(fromBFloat16Bits: 0x3F80) == 1)
        #expect(SafeTensorsConversion.float(fromBFloat16Bits: 0xC049).bitPattern == 0xC049_0000)
        #expect(SafeTensorsConversion.float(fromBFloat16Bits: 0xFF80) == -.infinity)
        #expect(SafeTensorsConversion.float(fromBFloat16Bits: 0x0001) == Float(bitPattern: 0x0001_0000))
    }

    @Test("the JSON parser reads escapes, surrogate pairs and exact integers")
    func json() throws {
        let text = #" {"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00": [9007199254740993, -0, 1.5e3, true, false, null]} "#
        let value = try Array(text.utf8).withUnsafeBytes { try SafeTensorsJSON.parse($0) }
        guard case .object(let members) = value, case .array(let items) = members.first?.value else {
            Issue.record("expected an object holding an array, got \(value)")
            return
        }
        #expect(members.first?.key == "a\"\\/\u{8}\u{c}\n\r\té😀")
        #expect(items.map(\.exactInt) == [9_007_199_254_740_993, 0, nil, nil, nil, nil])
        for bad in [#"{"\ud83d"}"#, #"{"a": tru}"#, #"{"a" 1}"#, "[1,]", #""\u12G4""#, "\"a\u{1}\"", "-", "1."] {
            #expect(throws: SafeTensorsJSONFailure.self, "\(bad)") {
                try Array(bad.utf8).withUnsafeBytes { try SafeTensorsJSON.parse($0) }
            }
        }
    }
}
