import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled copy of something parsed from source files (WordNet's index, a tokenizer's vocabulary and
/// merges), kept in a cache folder so that later processes read it back instead of parsing again.
///
/// The file, little-endian: `magic` (8 bytes), `version` (UInt32), the number of sources (UInt32), per
/// source its size and modification time (UInt64 each), the checksum of the body (UInt64), then the
/// body. It is used only when every source still has the recorded size and time, the checksum matches
/// and `decode` accepts the body; otherwise the sources are parsed and the file replaced (a temporary
/// file, then a rename). A cache folder that cannot be written only costs the speed-up.
struct CompiledCopy {
    let magic: [UInt8]
    let version: UInt32
    let sources: [URL]
    /// `<name>-<hash of the sources' paths>-v<version>.compiled` in the cache folder: one copy per set of
    /// sources, and versions of Glimpse that write different formats never overwrite each other's.
    let file: URL

    init(magic: String, version: UInt32, sources: [URL], name: String, cacheFolder: URL) {
        self.magic = Array(magic.utf8)
        self.version = version
        self.sources = sources
        file = cacheFolder.appendingPathComponent("\(name)-\(Self.pathHash(sources))-v\(version).compiled")
    }

    var headerSize: Int { 16 + 16 * sources.count + 8 }

    /// From the compiled copy when it is current, else `build()` (and the copy written with `encode`).
    func load<Value>(build: () throws -> Value, encode: (Value) -> Data,
                     decode: (UnsafeRawBufferPointer) -> Value?) throws -> Value {
        guard let stamps = Self.stamps(sources) else { return try build() }
        if let value = read(stamps: stamps, decode: decode) { return value }
        let value = try build()
        write(encode(value), stamps: stamps)
        return value
    }

    /// Size and modification time of each source; nil when one cannot be read (parsing then reports it).
    static func stamps(_ sources: [URL]) -> [UInt64]? {
        var stamps: [UInt64] = []
        for source in sources {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: source.path),
                  let size = (attributes[.size] as? NSNumber)?.uint64Value,
                  let modified = attributes[.modificationDate] as? Date
            else { return nil }
            stamps += [size, modified.timeIntervalSince1970.bitPattern]
        }
        return stamps
    }

    func header(stamps: [UInt64], checksum: UInt64) -> Data {
        var head = Data(magic)
        for value in [version, UInt32(sources.count)] { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
        for value in stamps + [checksum] { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
        return head
    }

    /// The decoded body when the file is complete and current for `stamps`; nil otherwise.
    func read<Value>(stamps: [UInt64], decode: (UnsafeRawBufferPointer) -> Value?) -> Value? {
        guard let data = try? Data(contentsOf: file, options: .alwaysMapped), data.count >= headerSize else { return nil }
        return data.withUnsafeBytes { raw -> Value? in
            let body = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
            let checksum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize - 8, as: UInt64.self))
            guard Data(raw[0..<headerSize]) == header(stamps: stamps, checksum: checksum), ByteChecksum.of(body) == checksum
            else { return nil }
            return decode(body)
        }
    }

    /// Writes the compiled copy; a failure (a read-only or full disk) is ignored.
    func write(_ body: Data, stamps: [UInt64]) {
        let checksum = body.withUnsafeBytes(ByteChecksum.of)
        let folder = file.deletingLastPathComponent()
        let temporary = TemporaryFiles.beside(file)
        TemporaryFiles.removeAbandoned(beside: file)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try (header(stamps: stamps, checksum: checksum) + body).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// FNV-1a of the sources' paths (each ended by a zero byte), as 16 hex digits.
    static func pathHash(_ sources: [URL]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for source in sources {
            for byte in source.standardizedFileURL.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            hash = hash &* 0x100_0000_01B3  // a zero byte between paths
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
