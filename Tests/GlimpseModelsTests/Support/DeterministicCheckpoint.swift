import Foundation

/// Full-size checkpoints with pseudo-random weights that Tools/fixtures/make_fullsize_reference.py
/// generates bit for bit the same way, so real-shape parity needs no large committed file.
enum DeterministicCheckpoint {
    struct TensorSpec: Decodable {
        let name: String
        let shape: [Int]
    }

    static func fnv1a(_ name: String) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return value
    }

    /// `2u - 1` for `count` splitmix64 draws seeded by `name`: uniform in [-1, 1), exact in float32.
    static func uniformSigned(_ name: String, count: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
        let seed = fnv1a(name)
        for index in 0..<count {
            var z = seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            buffer[index] = 2 * (Float(z >> 40) * 0x1p-24) - 1
        }
    }

    static func uniformSigned(_ name: String, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            uniformSigned(name, count: count, into: buffer)
            initialized = count
        }
    }

    /// Writes `model.safetensors` (F32) for `tensors` into `folder`, values by the rule of the fixture script.
    static func write(_ tensors: [TensorSpec], to folder: URL) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for tensor in tensors {
            let bytes = tensor.shape.reduce(1, *) * 4
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        let url = folder.appending(path: "model.safetensors")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var length = UInt64(json.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: json)
        for tensor in tensors {
            try handle.write(contentsOf: values(tensor).withUnsafeBytes { Data($0) })
        }
    }

    static func values(_ tensor: TensorSpec) -> [Float] {
        let count = tensor.shape.reduce(1, *)
        if tensor.name == "logit_scale" { return [Float(Foundation.log(100.0))] }
        var values = uniformSigned(tensor.name, count: count)
        if tensor.shape.count == 1 {
            let isNorm = tensor.name.lowercased().contains("norm")
            for index in values.indices { values[index] = isNorm ? 1 + Float(0.1) * values[index] : Float(0.1) * values[index] }
        } else {
            let scale = Float(1 / Double(tensor.shape.dropFirst().reduce(1, *)).squareRoot())
            for index in values.indices { values[index] *= scale }
        }
        return values
    }
}
