import Foundation
import Testing
@testable import GlimpseRuntime

/// Reading files written by the Python `safetensors` library, compared with numpy's values.
@Suite("SafeTensors file")
struct SafeTensorsFileTests {
    typealias Support = SafeTensorsTestSupport

    let mixed: SafeTensorsFile
    let expected: SafeTensorsFile

    init() throws {
        mixed = try SafeTensorsFile(url: Support.fixture("mixed.safetensors"))
        expected = try SafeTensorsFile(url: Support.fixture("mixed_expected.safetensors"))
    }

    @Test("header lists every tensor with dtype, shape and offsets")
    func header() throws {
        #expect(mixed.names == [
            "bf16", "bool", "empty", "empty_f16", "f16", "f32", "f64", "f8", "i32", "i64", "scalar", "u8",
        ])
        #expect(mixed.metadata == ["note": "glimpse fixtures, ünïcødé ✓"])
        #expect(mixed.dataSectionOffset == 8 + mixed.headerLength)
        #expect(mixed.mappedFile.count == 1061)

        let f32 = try mixed.info("f32")
        #expect(f32.dtype == .float32)
        #expect(f32.shape == [3, 4])
        #expect(f32.elementCount == 12)
        #expect(f32.byteCount == 48)
        #expect(f32.fileOffset == mixed.dataSectionOffset + f32.dataRange.lowerBound)

        let bf16 = try mixed.info("bf16")
        #expect(bf16.dtype == .bfloat16 && bf16.shape == [2, 5] && bf16.byteCount == 20)
        #expect(try mixed.info("f8").dtype == .float8E4M3)
        #expect(try mixed.info("bool").dtype == .bool)
    }

    @Test("fileOffset addresses the tensor's bytes in the file")
    func fileOffset() throws {
        let data = try Data(contentsOf: mixed.url)
        for info in mixed.tensors.values {
            let fromFile = data[info.fileOffset..<info.fileOffset + info.byteCount]
            #expect(Array(fromFile) == Array(try mixed.rawBytes(info.name)), "\(info.name)")
        }
    }

    @Test("files written by the safetensors library are naturally aligned")
    func alignment() throws {
        for file in [mixed, expected] {
            #expect(file.headerLength % 8 == 0)
            for info in file.tensors.values {
                #expect(info.fileOffset % info.dtype.byteSize == 0, "\(info.name)")
            }
        }
    }

    @Test("F32 is read exactly, as a copy and as a zero-copy view")
    func float32() throws {
        let want = try expected.floats("f32")
        #expect(try mixed.floats("f32").map(\.bitPattern) == want.map(\.bitPattern))
        let view = try mixed.float32Buffer("f32")
        #expect(Array(view).map(\.bitPattern) == want.map(\.bitPattern))
    }

    @Test("float32Buffer points inside the mapping (zero-copy)")
    func zeroCopy() throws {
        let mapping = mixed.mappedFile.bytes
        let start = UInt(bitPattern: mapping.baseAddress)
        let view = try mixed.float32Buffer("f32")
        let address = UInt(bitPattern: view.baseAddress)
        let info = try mixed.info("f32")
        #expect(address == start + UInt(info.fileOffset))
        #expect(address + UInt(view.count * 4) <= start + UInt(mapping.count))
        let raw = try mixed.rawBytes("f32")
        #expect(UInt(bitPattern: raw.baseAddress) == address)
    }

    @Test("F16 converts bit-exactly like numpy: subnormals, ±0, ±inf, NaN payloads, max")
    func float16() throws {
        let got = try mixed.floats("f16").map(\.bitPattern)
        let want = try expected.floats("f16").map(\.bitPattern)
        #expect(got.count == 17)
        #expect(got == want)
        #expect(got[1] == 0x8000_0000)  // -0.0 keeps its sign
        #expect(Float(bitPattern: got[2]) == 0x1p-24)  // smallest subnormal
        #expect(Float(bitPattern: got[9]) == 65504)  // max
        #expect(Float(bitPattern: got[11]) == .infinity)
        #expect(Float(bitPattern: got[13]).isNaN)
    }

    @Test("BF16 converts bit-exactly")
    func bfloat16() throws {
        let got = try mixed.floats("bf16").map(\.bitPattern)
        #expect(got == (try expected.floats("bf16").map(\.bitPattern)))
        #expect(Float(bitPattern: got[2]) == 1)
        #expect(Float(bitPattern: got[8]).isNaN)
    }

    @Test("F64 narrows to Float like numpy's cast")
    func float64() throws {
        let got = try mixed.floats("f64").map(\.bitPattern)
        #expect(got == (try expected.floats("f64_as_f32").map(\.bitPattern)))
        #expect(got == (try expected.floats("f64").map(\.bitPattern)))
    }

    @Test("integers widen to Int64")
    func integers() throws {
        #expect(try mixed.int64s("i64") == (try expected.int64s("i64")))
        #expect(try mixed.int64s("i64")[4] == Int64.min)
        #expect(try mixed.int64s("i32") == (try expected.int64s("i32")))
        #expect(try mixed.int64s("u8") == (try expected.int64s("u8")))
        #expect(try mixed.bools("bool") == (try expected.int64s("bool")).map { $0 != 0 })
    }

    @Test("a scalar has shape [] and one element")
    func scalar() throws {
        let info = try mixed.info("scalar")
        #expect(info.shape == [] && info.elementCount == 1 && info.byteCount == 4)
        #expect(try mixed.floats("scalar") == [7.25])
        #expect(try expected.info("scalar").shape == [])
    }

    @Test("empty tensors have no bytes and read as empty arrays")
    func empty() throws {
        let info = try mixed.info("empty")
        #expect(info.shape == [2, 0] && info.elementCount == 0 && info.byteCount == 0)
        #expect(try mixed.floats("empty").isEmpty)
        #expect(try mixed.float32Buffer("empty").isEmpty)
        #expect(try mixed.rawBytes("empty").isEmpty)
        #expect(try mixed.info("empty_f16").shape == [0])
        #expect(try mixed.floats("empty_f16").isEmpty)
    }

    @Test("F8 bytes are available raw")
    func float8() throws {
        #expect(Array(try mixed.rawBytes("f8")) == [0x00, 0x38, 0x7E, 0xFF])
        #expect(try mixed.info("f8").dtype.onnxElementType == 17)
    }

    @Test("a missing name is reported by name")
    func missing() throws {
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try mixed.rawBytes("nope") }
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try mixed.floats("nope") }
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try mixed.float32Buffer("nope") }
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try mixed.int64s("nope") }
    }

    @Test("views refuse other data types")
    func typeMismatch() throws {
        #expect(throws: SafeTensorsError.dataTypeMismatch(tensor: "f16", actual: .float16, supported: [.float32])) {
            try mixed.float32Buffer("f16")
        }
        #expect(throws: SafeTensorsError.dataTypeMismatch(
            tensor: "i64", actual: .int64, supported: [.float32, .float16, .bfloat16, .float64])
        ) {
            try mixed.floats("i64")
        }
        #expect(throws: SafeTensorsError.self) { try mixed.int64s("f32") }
        #expect(throws: SafeTensorsError.self) { try mixed.bools("u8") }
    }

    @Test("errors explain what is wrong and what to do")
    func messages() {
        let error = SafeTensorsError.offsetsBeyondData(file: "model.safetensors", tensor: "w", end: 90, dataSize: 80)
        let message = error.errorDescription ?? ""
        #expect(message.contains("'w'") && message.contains("model.safetensors") && message.contains("download"))
        #expect(SafeTensorsError.missingTensors(["a", "b"]).errorDescription?.contains("a, b") == true)
    }
}
