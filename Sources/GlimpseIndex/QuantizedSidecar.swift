import Foundation
import GlimpseText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compact int8 copy of an embedding file, next to it: `index.sqlite.vectors/<kind>.i8`.
///
/// Layout (little-endian): a 128-byte header — magic `GLMPSQ8\0`, format version (UInt32, 1), dimension
/// (UInt32), rows (UInt64), stride (UInt32), reserved (UInt32), generation (Int64), database id (16
/// bytes), checksum of the scales/norms/residuals (UInt64), padding, and at byte 120 a checksum of
/// bytes 0..<120 — then the body of `QuantizedEmbeddings` (scales, norms, residuals, padding to 64
/// bytes, `rows × stride` codes).
///
/// A file is used only when its header checksum, generation, database id, sizes and metadata checksum
/// match, its length is exactly what the header implies, and sampled rows re-quantized from the fp32
/// matrix give exactly the stored bytes; otherwise it is rebuilt (temporary file, then rename).
/// Codes of rows that are not sampled are not checksummed (reading all of them would cost a scan).
public enum QuantizedSidecar {
    static let magic = Array("GLMPSQ8\u{0}".utf8)
    static let version: UInt32 = 1
    static let headerSize = 128
    /// Rows re-quantized from the fp32 matrix when a file is mapped.
    static let sampledRows = 64

    /// The compact copy of `matrix`: mapped from `url` when that file is valid for it, otherwise built
    /// in memory and written to `url` (then mapped). A folder that cannot be written keeps the copy in
    /// memory; `url == nil` (an in-memory store) builds it in memory.
    public static func load(for matrix: EmbeddingMatrix, url: URL?, generation: Int64, databaseID: UUID) -> QuantizedEmbeddings {
        if let url, let mapped = map(url, matrix: matrix, expected: (generation, databaseID)) { return mapped }
        let built = QuantizedEmbeddings(quantizing: matrix)
        guard let url else { return built }
        do {
            try write(built, generation: generation, databaseID: databaseID, to: url)
            return map(url, matrix: matrix, expected: (generation, databaseID)) ?? built
        } catch {
            return built
        }
    }

    static func header(_ compact: QuantizedEmbeddings, generation: Int64, databaseID: UUID, metadataChecksum: UInt64) -> Data {
        var head = Data(count: headerSize)
        head.withUnsafeMutableBytes { raw in
            for (index, byte) in magic.enumerated() { raw[index] = byte }
            raw.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: UInt32(compact.dimension).littleEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: UInt64(compact.rows).littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: UInt32(compact.stride).littleEndian, toByteOffset: 24, as: UInt32.self)
            raw.storeBytes(of: generation.littleEndian, toByteOffset: 32, as: Int64.self)
            withUnsafeBytes(of: databaseID.uuid) { id in
                for index in 0..<16 { raw[40 + index] = id[index] }
            }
            raw.storeBytes(of: metadataChecksum.littleEndian, toByteOffset: 56, as: UInt64.self)
            let sum = checksum(UnsafeRawBufferPointer(rebasing: raw[0..<120]))
            raw.storeBytes(of: sum.littleEndian, toByteOffset: 120, as: UInt64.self)
        }
        return head
    }

    /// Writes `compact` to `url` atomically.
    static func write(_ compact: QuantizedEmbeddings, generation: Int64, databaseID: UUID, to url: URL) throws {
        let layout = QuantizedEmbeddings.Layout(rows: compact.rows, stride: compact.stride)
        try SidecarFile.replace(url, what: "the compact embedding file") { handle in
            try compact.storage.withBody { body in
                let metadata = UnsafeRawBufferPointer(rebasing: body[0..<(compact.rows * 12)])
                try handle.write(contentsOf: header(compact, generation: generation, databaseID: databaseID,
                                                    metadataChecksum: checksum(metadata)))
                let chunk = 1 << 22
                var start = 0
                while start < layout.byteCount {
                    let end = min(layout.byteCount, start + chunk)
                    try handle.write(contentsOf: Data(UnsafeRawBufferPointer(rebasing: body[start..<end])))
                    start = end
                }
            }
        }
    }

    /// Maps the file at `url` when it is a valid compact copy of `matrix`; nil when it is missing, stale,
    /// truncated or damaged. Nothing is read past the file's end.
    static func map(_ url: URL, matrix: EmbeddingMatrix, expected: (generation: Int64, databaseID: UUID)) -> QuantizedEmbeddings? {
        guard let file = MappedFile(path: url.path), file.count >= headerSize else { return nil }
        let raw = file.bytes
        guard Array(raw[0..<8]) == magic,
              UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
                == checksum(UnsafeRawBufferPointer(rebasing: raw[0..<120])),
              UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == version
        else { return nil }
        let dimension = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let rows64 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let stride = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt32.self)))
        let generation = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 32, as: Int64.self))
        var id = UUID().uuid
        withUnsafeMutableBytes(of: &id) { target in
            for index in 0..<16 { target[index] = raw[40 + index] }
        }
        let metadataChecksum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        guard generation == expected.generation, UUID(uuid: id) == expected.databaseID,
              rows64 == UInt64(matrix.rows), dimension == matrix.dimension,
              stride == QuantizedEmbeddings.stride(for: dimension),
              let layout = QuantizedEmbeddings.Layout.checked(rows: matrix.rows, stride: stride),
              file.count - headerSize == layout.byteCount
        else { return nil }
        let rows = matrix.rows
        let body = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
        guard checksum(UnsafeRawBufferPointer(rebasing: body[0..<(rows * 12)])) == metadataChecksum else { return nil }
        let compact = QuantizedEmbeddings(rows: rows, dimension: dimension,
                                          storage: MappedQuantizedStorage(file: file, offset: headerSize, count: layout.byteCount))
        return matches(compact, matrix) ? compact : nil
    }

    /// Whether sampled rows of `compact` are exactly what quantizing `matrix` gives (first, last and
    /// evenly spaced rows in between).
    static func matches(_ compact: QuantizedEmbeddings, _ matrix: EmbeddingMatrix) -> Bool {
        let rows = matrix.rows
        guard rows > 0 else { return true }
        let count = min(rows, sampledRows)
        let sample = Set((0..<count).map { count == 1 ? 0 : $0 * (rows - 1) / (count - 1) })
        let dimension = matrix.dimension
        let stride = compact.stride
        var scratch = [Int8](repeating: 0, count: stride)
        return matrix.withValues { values in
            compact.withBuffers { stored in
                scratch.withUnsafeMutableBufferPointer { codes in
                    for row in sample.sorted() {
                        let x = UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)])
                        let entry = QuantizedEmbeddings.quantizeRow(x, codes: codes)
                        guard entry.scale.bitPattern == stored.scales[row].bitPattern,
                              entry.norm.bitPattern == stored.norms[row].bitPattern,
                              entry.residual.bitPattern == stored.residuals[row].bitPattern,
                              UnsafeBufferPointer(codes).elementsEqual(stored.codes[(row * stride)..<((row + 1) * stride)])
                        else { return false }
                    }
                    return true
                }
            }
        }
    }

    /// A 64-bit checksum of `bytes` (`ByteChecksum`).
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 { ByteChecksum.of(bytes) }
}
