import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float vectors as the database stores them: little-endian Float32, no header.
enum EmbeddingBlob {
    static func encode(_ vector: [Float]) -> Data {
        vector.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    static func decode(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
    }
}

/// One memory-mapped embedding file next to the database: `index.sqlite.vectors/<kind>.f32`.
///
/// Layout (little-endian): a 64-byte header — magic `GLMPSVEC`, format version (UInt32, 1), dimension
/// (UInt32), rows (UInt64), generation (Int64), database id (16 bytes, the database's UUID), padding —
/// then `rows` Int64 image ids, `rows` Int32 region indices, padding to a multiple of 64 bytes, and
/// `rows × dimension` Float32 values. The file is valid for a database when the id matches and the
/// generation equals `embeddingGeneration.generation` of its kind; otherwise it is rebuilt (written
/// to a temporary file, then renamed over the old one, so readers never see half a file).
struct EmbeddingSidecar {
    static let magic = Array("GLMPSVEC".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64

    struct Header: Equatable {
        var dimension: Int
        var rows: Int
        var generation: Int64
        var databaseID: UUID
    }

    static func valuesOffset(rows: Int) -> Int {
        let end = headerSize + rows * 12
        return (end + 63) / 64 * 64
    }

    /// Writes the matrix to `url` atomically.
    static func write(_ matrix: EmbeddingMatrix, generation: Int64, databaseID: UUID, to url: URL) throws {
        var head = Data(count: headerSize)
        head.withUnsafeMutableBytes { raw in
            for (index, byte) in magic.enumerated() { raw[index] = byte }
            raw.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: UInt32(matrix.dimension).littleEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: UInt64(matrix.rows).littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: generation.littleEndian, toByteOffset: 24, as: Int64.self)
            withUnsafeBytes(of: databaseID.uuid) { id in
                for index in 0..<16 { raw[32 + index] = id[index] }
            }
        }
        var ids = Data(capacity: matrix.rows * 12)
        matrix.rowImages.withUnsafeBufferPointer { ids.append($0) }
        matrix.rowRegions.withUnsafeBufferPointer { ids.append($0) }
        let padding = Data(count: valuesOffset(rows: matrix.rows) - headerSize - ids.count)

        try SidecarFile.replace(url, what: "the embedding file") { handle in
            try handle.write(contentsOf: head)
            try handle.write(contentsOf: ids)
            try handle.write(contentsOf: padding)
            try matrix.withValues { values in
                let chunk = 1 << 20
                var start = 0
                while start < values.count {
                    let end = min(values.count, start + chunk)
                    try handle.write(contentsOf: Data(buffer: UnsafeBufferPointer(rebasing: values[start..<end])))
                    start = end
                }
            }
        }
    }

    /// The generation the file at `url` was written for and its rows, if it is a sidecar file at all.
    static func header(of url: URL) -> (generation: Int64, rows: Int)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 32), head.count == 32, Array(head.prefix(8)) == magic else { return nil }
        return head.withUnsafeBytes { raw in
            (Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: Int64.self)),
             Int(truncatingIfNeeded: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))))
        }
    }

    /// Maps the file at `url` when its header matches `expected`; nil when it is missing, stale or damaged.
    static func map(_ url: URL, expected: (generation: Int64, databaseID: UUID)) -> EmbeddingMatrix? {
        guard let file = MappedFile(path: url.path), file.count >= headerSize else { return nil }
        let raw = file.bytes
        guard Array(raw[0..<8]) == magic,
              UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == version
        else { return nil }
        let dimension = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let rows = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        let generation = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: Int64.self))
        var id = UUID().uuid
        withUnsafeMutableBytes(of: &id) { target in
            for index in 0..<16 { target[index] = raw[32 + index] }
        }
        guard generation == expected.generation, UUID(uuid: id) == expected.databaseID,
              rows >= 0, rows < Int(Int32.max), dimension >= 0, dimension < 1 << 20
        else { return nil }
        let offset = valuesOffset(rows: rows)
        guard file.count == offset + rows * dimension * 4 else { return nil }
        let images = (0..<rows).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize + $0 * 8, as: Int64.self)) }
        let regionsStart = headerSize + rows * 8
        let regions = (0..<rows).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: regionsStart + $0 * 4, as: Int32.self)) }
        let storage = MappedEmbeddingStorage(file: file, offset: offset, count: rows * dimension)
        return EmbeddingMatrix(dimension: dimension, rowImages: images, rowRegions: regions, storage: storage)
    }
}

/// A whole file mapped read-only; unmapped when released.
final class MappedFile: @unchecked Sendable {
    // Immutable after init; the mapping is read-only and private, so sharing across threads is safe.
    let address: UnsafeMutableRawPointer?
    let count: Int

    init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        count = Int(info.st_size)
        if count == 0 {
            address = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        address = mapped
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: address, count: count) }

    deinit {
        if let address { munmap(address, count) }
    }
}

/// Float values inside a mapped sidecar file (64-byte aligned, so Float loads are aligned).
struct MappedEmbeddingStorage: EmbeddingStorage {
    let file: MappedFile
    let offset: Int
    let count: Int

    func withValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard count > 0, let base = file.address else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let start = (base + offset).assumingMemoryBound(to: Float.self)
        return try body(UnsafeBufferPointer(start: start, count: count))
    }
}
