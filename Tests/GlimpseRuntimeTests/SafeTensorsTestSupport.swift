import Foundation
import Testing
@testable import GlimpseRuntime

/// Fixture lookup, temporary folders and hand-built SafeTensors bytes for the SafeTensors tests.
enum SafeTensorsTestSupport {
    /// The committed fixture `Fixtures/safetensors/<name>` (a file or a folder).
    static func fixture(_ name: String) throws -> URL {
        try #require(
            Bundle.module.url(forResource: "Fixtures/safetensors/\(name)", withExtension: nil),
            "fixture \(name) missing; run Tools/fixtures/make_safetensors_fixtures.py")
    }

    /// Runs `body` with a fresh empty folder that is deleted afterwards.
    @discardableResult
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("glimpse-safetensors-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    /// Writes `bytes` to `name` in `directory` and returns its URL.
    @discardableResult
    static func write(_ bytes: [UInt8], to directory: URL, name: String = "bad.safetensors") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Writes `bytes` to a temporary file and opens it as a SafeTensors file.
    static func open(_ bytes: [UInt8], name: String = "bad.safetensors") throws -> SafeTensorsFile {
        try withTemporaryDirectory { directory in
            try SafeTensorsFile(url: write(bytes, to: directory, name: name))
        }
    }

    /// A SafeTensors file: the little-endian length (the header's byte count unless `declaredLength`
    /// overrides it), the header bytes and `data`.
    static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        file(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
    }

    static func file(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let length = declaredLength ?? UInt64(headerBytes.count)
        return withUnsafeBytes(of: length.littleEndian) { Array($0) } + headerBytes + data
    }

    /// The little-endian bytes of `values`.
    static func bytes(of values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// A one-tensor header: `{"t": {"dtype": …, "shape": …, "data_offsets": …}}`.
    static func header(dtype: String = "F32", shape: String = "[2]", offsets: String = "[0, 8]") -> String {
        #"{"t": {"dtype": "\#(dtype)", "shape": \#(shape), "data_offsets": \#(offsets)}}"#
    }
}

/// A small deterministic generator (SplitMix64) for reproducible fuzzing.
struct SafeTensorsTestRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
