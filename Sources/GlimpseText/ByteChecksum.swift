/// The checksum of Glimpse's own cache and sidecar files: it tells a damaged or half-written file from a
/// good one, so that the file is rebuilt instead of trusted.
public enum ByteChecksum {
    /// A 64-bit checksum of `bytes` (words mixed with a multiply and rotate; not cryptographic).
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for index in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            hash = ((hash ^ word) &* 0xFF51_AFD7_ED55_8CCD)
            hash = (hash << 31) | (hash >> 33)
        }
        for index in (words * 8)..<bytes.count {
            hash = ((hash ^ UInt64(bytes[index])) &* 0xC4CE_B9FE_1A85_EC53)
            hash = (hash << 29) | (hash >> 35)
        }
        return hash ^ (hash >> 32)
    }
}
