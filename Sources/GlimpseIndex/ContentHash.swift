import Foundation
import GlimpseImage

/// A 128-bit fingerprint of a file's bytes, used to recognise moved, renamed and duplicated images.
///
/// Not cryptographic (an adversary can make collisions); for a photo collection the chance that two
/// different files share one is negligible. Written as 32 lowercase hex digits, prefixed by the
/// algorithm's tag (`g1:`) so that another algorithm can be introduced without confusion.
public enum ContentHash {
    /// The fingerprint of `data`.
    public static func of(_ data: Data) -> String {
        data.withUnsafeBytes { of(UnsafeRawBufferPointer($0)) }
    }

    /// The fingerprint of `bytes`.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> String {
        let (high, low) = digest(bytes)
        return "g1:" + hex(high) + hex(low)
    }

    /// The fingerprint of the picture in an image file apart from the metadata photo managers rewrite
    /// (`ImagePayload`: its ranges and its EXIF orientation), prefixed `p1:`; nil for a format where the
    /// picture's bytes are not known.
    public static func ofPicture(in data: Data, format: ImageFormat?) -> String? {
        data.withUnsafeBytes { bytes in
            guard let payload = ImagePayload.ranges(in: bytes, format: format) else { return nil }
            var digests: [UInt64] = [UInt64(payload.orientation)]
            for range in payload.ranges {
                let (high, low) = digest(UnsafeRawBufferPointer(rebasing: bytes[range]))
                digests += [high, low]
            }
            let (high, low) = digests.withUnsafeBytes { digest($0) }
            return "p1:" + hex(high) + hex(low)
        }
    }

    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9

    static func digest(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var a: UInt64 = 0x243F_6A88_85A3_08D3
        var b: UInt64 = 0x1319_8A2E_0370_7344
        let count = bytes.count
        var offset = 0
        while offset + 16 <= count {
            let k1 = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
            let k2 = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
            a = rotate(a ^ (k1 &* prime1), 31) &* prime2
            b = rotate(b ^ (k2 &* prime2), 29) &* prime1
            a &+= b
            b ^= rotate(a, 17)
            offset += 16
        }
        var tail = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &tail) { buffer in
            for index in 0..<(count - offset) { buffer[index] = bytes[offset + index] }
        }
        a = rotate(a ^ (tail.0.littleEndian &* prime1), 31) &* prime2
        b = rotate(b ^ (tail.1.littleEndian &* prime2), 29) &* prime1
        a ^= UInt64(count) &* prime3
        b ^= UInt64(count)
        a = mix(a &+ b)
        b = mix(b ^ a)
        return (a, b)
    }

    private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
        (value << bits) | (value >> (64 - bits))
    }

    /// The final avalanche of MurmurHash3's 64-bit finaliser (every input bit affects every output bit).
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
