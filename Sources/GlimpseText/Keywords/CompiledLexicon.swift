import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled copy of WordNet's index files: the lemma table exactly as `Lexicon` builds it, written
/// once to a cache folder so that later processes read it back instead of parsing about 4 MB of text
/// (most of a `glimpse search` start-up's lexicon time).
///
/// File `wordnet-<hash of the folder's path>.lexicon`, little-endian: magic `GLMPSLEX`, format version
/// (UInt32), 4 reserved bytes, then per index file (noun, verb, adj, adv) its size and modification time
/// (UInt64 each), the checksum of the body (UInt64), and the body (`ByteKeyTable.serialized()`).
/// The copy is used only when every index file still has the recorded size and time, the checksum
/// matches and the table passes its own checks; otherwise WordNet is parsed and the copy replaced
/// (a temporary file, then a rename). A folder that cannot be written only costs the speed-up.
enum CompiledLexicon {
    static let magic = Array("GLMPSLEX".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16 + 16 * PartOfSpeech.allCases.count + 8

    /// The lemma table of `directory`'s index files: from the compiled copy in `cacheFolder` when it is
    /// current, else parsed (and the copy written).
    static func table(directory: URL, cacheFolder: URL?, parse: () throws -> ByteKeyTable) throws -> ByteKeyTable {
        guard let cacheFolder, let stamps = stamps(directory) else { return try parse() }
        let file = cacheFolder.appendingPathComponent("wordnet-\(pathHash(directory)).lexicon")
        if let table = read(file, stamps: stamps) { return table }
        let table = try parse()
        write(table, stamps: stamps, to: file)
        return table
    }

    /// Size and modification time of each index file; nil when one cannot be read (parsing then
    /// reports it).
    static func stamps(_ directory: URL) -> [UInt64]? {
        var stamps: [UInt64] = []
        for pos in PartOfSpeech.allCases {
            let path = directory.appendingPathComponent("index.\(pos.wordNetFileSuffix)").path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.uint64Value,
                  let modified = attributes[.modificationDate] as? Date
            else { return nil }
            stamps += [size, modified.timeIntervalSince1970.bitPattern]
        }
        return stamps
    }

    static func header(stamps: [UInt64], checksum: UInt64) -> Data {
        var head = Data(magic)
        withUnsafeBytes(of: version.littleEndian) { head.append(contentsOf: $0) }
        head.append(contentsOf: [0, 0, 0, 0])
        for value in stamps + [checksum] { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
        return head
    }

    /// The table in `file` when the file is complete and current for `stamps`; nil otherwise.
    static func read(_ file: URL, stamps: [UInt64]) -> ByteKeyTable? {
        guard let data = try? Data(contentsOf: file), data.count > headerSize else { return nil }
        return data.withUnsafeBytes { raw -> ByteKeyTable? in
            let body = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
            let checksum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize - 8, as: UInt64.self))
            guard Data(raw[0..<headerSize]) == header(stamps: stamps, checksum: checksum),
                  ByteChecksum.of(body) == checksum
            else { return nil }
            return ByteKeyTable(serialized: body)
        }
    }

    /// Writes the compiled copy; a failure (a read-only or full disk) is ignored.
    static func write(_ table: ByteKeyTable, stamps: [UInt64], to file: URL) {
        let body = table.serialized()
        let checksum = body.withUnsafeBytes(ByteChecksum.of)
        let folder = file.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try (header(stamps: stamps, checksum: checksum) + body).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// FNV-1a of the folder's path, as 16 hex digits: one compiled copy per WordNet folder.
    static func pathHash(_ directory: URL) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in directory.standardizedFileURL.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
