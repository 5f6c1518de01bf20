import Foundation
import Testing
@testable import GlimpseImage

/// Random byte flips of valid files: decoding must finish with an image or a typed error.
@Suite("Fuzzing")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `count` copies of `files` in turn, each with one to six of its bytes set at random (from `seed`): for
    /// readers that must give a sane answer or none, never crash.
    static func mutations(of files: [Data], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix(state: seed)
        return (0..<count).map { iteration in
            var bytes = [UInt8](files[iteration % files.count])
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = .random(in: 0...255, using: &random)
            }
            return bytes
        }
    }

    static let seeds = ["one_1x1.jpg", "small_17x9.png", "orient6_24x16.jpg", "gray_alpha_40x30.png",
                        "palette_130x95.png", "lossy_alpha_96x64.webp", "one_1x1.webp", "interlaced_150x100.png",
                        "small_12x10.gif", "animated_60x40.gif", "alpha_64x48.heic",
                        "rgba_deflate_50x40.tif", "orient6_24x16.tif", "palette4_21x19.bmp", "bgra_v5_17x11.bmp",
                        "rle8_12x6.bmp", "rgb565_27x13.bmp"]

    @Test("3,000 mutated files decode or fail cleanly (fixed seed)")
    func byteFlips() throws {
        var random = SplitMix(state: 20_261_127)
        let files = try Self.seeds.map { try Fixtures.data("images/\($0)") }
        let options = DecodingOptions(limits: ImageLimits(maxPixels: 4_000_000))
        let start = Date()
        var decoded = 0, failed = 0
        for iteration in 0..<3000 {
            var bytes = [UInt8](files[iteration % files.count])
            let flips = Int.random(in: 1...8, using: &random)
            for _ in 0..<flips {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                // Favour the headers, where most parsing happens.
                let position = Bool.random(using: &random) ? index % min(bytes.count, 300) : index
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random))
            }
            do {
                let image = try ImageDecoder.decode(Data(bytes), options: options)
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            } catch is ImageError {
                failed += 1
            }
        }
        #expect(decoded + failed == 3000)
        #expect(decoded > 0 && failed > 0)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test("3,000 mutated dated photos give a well-formed date or none (fixed seed)")
    func datesOfByteFlips() throws {
        var random = SplitMix(state: 20_261_203)
        let names = ["original.jpg", "ifd0_only.jpg", "original.png", "original.webp", "original.heic", "ifd0_only.tif"]
        let files = try names.map { try Fixtures.data("dates/\($0)") }
        var dated = 0
        for iteration in 0..<3000 {
            var bytes = [UInt8](files[iteration % files.count])
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[Bool.random(using: &random) ? index % min(bytes.count, 200) : index] = UInt8.random(in: 0...255, using: &random)
            }
            if Int.random(in: 0..<10, using: &random) == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            guard let format = ImageFormat.detect(bytes.prefix(16)),
                  let date = bytes.withUnsafeBytes({ ExifDateTaken.read(from: $0, format: format) }) else { continue }
            #expect(date.count == 10 || date.count == 19, "\(date)")
            #expect(date.allSatisfy { $0.isASCII && ($0.isNumber || "-T:".contains($0)) }, "\(date)")
            dated += 1
        }
        #expect(dated > 0, "most flips leave the date alone")
    }

    @Test("3,000 mutated tagged files and sidecars give normalised tags or none (fixed seed)")
    func tagsOfByteFlips() throws {
        var random = SplitMix(state: 20_261_204)
        let names = ["lightroom.jpg", "iptc.jpg", "tagged.png", "tagged.tif", "tagged.webp", "sidecar.xmp"]
        let files = try names.map { try Fixtures.data("tags/\($0)") }
        var tagged = 0
        for iteration in 0..<3000 {
            var bytes = [UInt8](files[iteration % files.count])
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                // Favour the markup's punctuation, where an XML reader's bounds are tested.
                let value: UInt8 = Bool.random(using: &random) ? Array("<>/&;='\"".utf8).randomElement(using: &random)! : .random(in: 0...255, using: &random)
                bytes[index] = value
            }
            if Int.random(in: 0..<10, using: &random) == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            let data = Data(bytes)
            let tags = iteration % files.count == 5
                ? PhotoTags.read(from: Data(), format: nil, sidecar: data)
                : PhotoTags.read(from: data, format: ImageFormat.detect(data.prefix(16)))
            #expect(tags == tags.normalised())
            if !tags.isEmpty { tagged += 1 }
        }
        #expect(tagged > 0, "most flips leave some tags readable")
    }
}
