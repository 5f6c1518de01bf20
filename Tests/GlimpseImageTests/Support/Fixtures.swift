import Foundation
import GlimpseImage
import GlimpseRuntime
import Testing

/// Access to the committed fixtures made by `Tools/fixtures/make_image_fixtures.py`.
enum Fixtures {
    struct Entry: Decodable {
        let mode: String?
        let width: Int?
        let height: Int?
        let fnv1a64: String
        let shape: [Int]?
        let original: [Int]?
        let resized: [Int]?
    }

    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }

    static let manifest: [String: Entry] = {
        let data = try! Data(contentsOf: url("manifest.json"))
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var entries: [String: Entry] = [:]
        for (key, value) in object where !key.hasPrefix("_") {
            let json = try! JSONSerialization.data(withJSONObject: value)
            entries[key] = try! JSONDecoder().decode(Entry.self, from: json)
        }
        return entries
    }()

    static let samples: SafeTensorsFile = try! SafeTensorsFile(url: url("samples.safetensors"))

    /// File names under `images/`.
    static func imageNames() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: url("images").path).sorted()) ?? []
    }

    /// Decodes a reference PNG and checks its bytes against the manifest's hash of Pillow's pixels,
    /// so a reference can be trusted independently of the PNG decoder under test.
    static func reference(_ path: String) throws -> RGBImage {
        let image = try ImageDecoder.decode(contentsOf: url(path))
        let entry = try #require(manifest[path], "no manifest entry for \(path)")
        var raw: [UInt8] = []
        if let alpha = image.alpha {
            raw.reserveCapacity(image.pixelCount * 4)
            for pixel in 0..<image.pixelCount {
                raw.append(contentsOf: image.pixels[pixel * 3..<pixel * 3 + 3])
                raw.append(alpha[pixel])
            }
        } else {
            raw = image.pixels
        }
        #expect(fnv1a64(raw) == entry.fnv1a64, "reference \(path) does not hash to Pillow's pixels")
        return image
    }

    static func fnv1a64(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Largest and mean absolute difference between two equally long sequences.
func differences<A: Collection, B: Collection>(_ a: A, _ b: B) -> (max: Double, mean: Double)
where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count)")
    var maximum = 0.0, total = 0.0
    for (x, y) in zip(a, b) {
        let d = abs(Double(x) - Double(y))
        maximum = max(maximum, d)
        total += d
    }
    return (maximum, a.isEmpty ? 0 : total / Double(a.count))
}

func byteDifferences(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double) {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count)")
    var maximum = 0, total = 0
    for (x, y) in zip(a, b) {
        let d = abs(Int(x) - Int(y))
        maximum = max(maximum, d)
        total += d
    }
    return (maximum, a.isEmpty ? 0 : Double(total) / Double(a.count))
}
