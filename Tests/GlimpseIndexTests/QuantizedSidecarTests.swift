import Foundation
import Testing
import GlimpseDescribe
@testable import GlimpseIndex

@Suite("Compact int8 embedding sidecar")
struct QuantizedSidecarTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
    }

    static func bytes(_ compact: QuantizedEmbeddings) -> [UInt8] {
        compact.storage.withBody { Array($0) }
    }

    @Test("quantizing: codes within ±127 and zero-padded, norms and residuals bound the true ones from above")
    func quantizing() throws {
        let dimension = 70, rows = 300
        var values = Self.values(rows * dimension, seed: 1)
        for index in 0..<dimension { values[index] = 0 }  // row 0 is zero
        values[dimension + 4] = .nan                       // row 1 is not finite
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<rows).map { ImageID($0) }, values: values)
        let compact = QuantizedEmbeddings(quantizing: matrix)
        #expect(compact.stride == 128 && compact.rows == rows)
        compact.withBuffers { buffers in
            #expect(buffers.scales[0] == 0 && buffers.norms[0] == 0 && buffers.residuals[0] == 0)
            #expect(buffers.norms[1] == .infinity && buffers.residuals[1] == .infinity)
            for row in 2..<rows {
                let x = values[(row * dimension)..<((row + 1) * dimension)]
                let codes = (0..<compact.stride).map { buffers.codes[row * compact.stride + $0] }
                #expect(codes.allSatisfy { $0 >= -127 })
                #expect(codes[dimension...].allSatisfy { $0 == 0 })
                #expect(codes.contains { abs(Int($0)) == 127 })
                let s = Double(buffers.scales[row])
                let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let residual = zip(x, codes).reduce(0.0) { $0 + pow(Double($1.0) - s * Double($1.1), 2) }.squareRoot()
                #expect(Double(buffers.norms[row]) >= norm && Double(buffers.norms[row]) <= norm * 1.0001)
                #expect(Double(buffers.residuals[row]) >= residual && Double(buffers.residuals[row]) <= residual * 1.0001 + 1e-30)
                // Rounding to nearest leaves at most half a step per value.
                #expect(residual <= s / 2 * Double(dimension).squareRoot())
            }
        }
        // Deterministic, whatever the number of workers.
        let big = EmbeddingMatrix(dimension: 33, rowImages: (0..<9000).map { ImageID($0) }, values: Self.values(9000 * 33, seed: 2))
        #expect(Self.bytes(QuantizedEmbeddings(quantizing: big, threads: 1)) == Self.bytes(QuantizedEmbeddings(quantizing: big, threads: 2)))
    }

    @Test("a file store writes <kind>.i8 next to <kind>.f32, and a second store maps it without rewriting")
    func writtenAndReused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let first = try store.saveDescription(sampleDescription(caption: "one", image: unit([1, 2, 3])), for: FileFacts(path: "/p/1.jpg"))
        let matrix = try store.embeddingMatrix(.image)
        let compact = try #require(matrix.compact)
        #expect(compact.rows == 1 && compact.dimension == 3)
        let file = try #require(store.vectorsFolder?.appending(path: "image.i8"))
        #expect(FileManager.default.fileExists(atPath: file.path))
        let modified = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date

        let other = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let mapped = try other.embeddingMatrix(.image)
        #expect(Self.bytes(try #require(mapped.compact)) == Self.bytes(compact))
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == modified)

        // A write makes it stale: rebuilt with the new rows.
        let second = try other.saveDescription(sampleDescription(caption: "two", image: unit([3, 2, 1])), for: FileFacts(path: "/p/2.jpg"))
        let grown = try store.embeddingMatrix(.image)
        #expect(grown.rowImages == [first, second] && grown.compact?.rows == 2)
        let rebuilt = QuantizedEmbeddings(quantizing: grown)
        #expect(Self.bytes(try #require(grown.compact)) == Self.bytes(rebuilt))
        let fresh = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        #expect(Self.bytes(try #require(fresh.embeddingMatrix(.image).compact)) == Self.bytes(rebuilt))
    }

    /// A matrix, its compact copy written to a file in `folder`, and the file's bytes.
    static func written(in folder: TemporaryFolder, rows: Int = 500, dimension: Int = 45) throws
        -> (matrix: EmbeddingMatrix, url: URL, bytes: Data, id: UUID) {
        let matrix = EmbeddingMatrix(dimension: dimension, rowImages: (0..<rows).map { ImageID($0) },
                                     values: values(rows * dimension, seed: 4))
        let url = folder.file("image.i8")
        let id = UUID()
        try QuantizedSidecar.write(QuantizedEmbeddings(quantizing: matrix), generation: 7, databaseID: id, to: url)
        return (matrix, url, try Data(contentsOf: url), id)
    }

    @Test("stale, truncated, extended and corrupt files are refused; the header alone never lets a read past the end")
    func refused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (matrix, url, bytes, id) = try Self.written(in: folder)
        #expect(QuantizedSidecar.map(url, matrix: matrix, expected: (7, id)) != nil)
        #expect(QuantizedSidecar.map(url, matrix: matrix, expected: (8, id)) == nil)        // stale generation
        #expect(QuantizedSidecar.map(url, matrix: matrix, expected: (7, UUID())) == nil)    // another database
        let fewer = EmbeddingMatrix(dimension: 45, rowImages: (0..<499).map { ImageID($0) }, values: Array(Self.values(500 * 45, seed: 4).prefix(499 * 45)))
        #expect(QuantizedSidecar.map(url, matrix: fewer, expected: (7, id)) == nil)        // rows differ
        let otherValues = EmbeddingMatrix(dimension: 45, rowImages: (0..<500).map { ImageID($0) }, values: Self.values(500 * 45, seed: 5))
        #expect(QuantizedSidecar.map(url, matrix: otherValues, expected: (7, id)) == nil)  // another matrix, same shape

        let layout = QuantizedEmbeddings.Layout(rows: 500, stride: 64)
        let codes = QuantizedSidecar.headerSize + layout.codesOffset
        var damaged: [(String, Data)] = [
            ("empty", Data()),
            ("header only", bytes.prefix(QuantizedSidecar.headerSize)),
            ("truncated by one byte", bytes.dropLast()),
            ("one byte longer", bytes + [0]),
        ]
        // Byte flips: magic, version, rows (a huge row count), generation, metadata, a sampled row's codes.
        for (name, offset) in [("magic", 0), ("version", 8), ("rows", 23), ("generation", 33), ("header checksum", 121),
                               ("a scale", QuantizedSidecar.headerSize + 4 * 17), ("a residual", QuantizedSidecar.headerSize + layout.residualsOffset + 8),
                               ("first row's codes", codes + 3), ("last row's codes", codes + 499 * 64 + 10)] {
            var copy = bytes
            copy[offset] ^= 0x5A
            damaged.append((name, copy))
        }
        for (name, data) in damaged {
            try data.write(to: url)
            #expect(QuantizedSidecar.map(url, matrix: matrix, expected: (7, id)) == nil, "\(name)")
            // Loading rebuilds it: afterwards the file is whole again.
            let loaded = QuantizedSidecar.load(for: matrix, url: url, generation: 7, databaseID: id)
            #expect(Self.bytes(loaded) == Self.bytes(QuantizedEmbeddings(quantizing: matrix)), "\(name)")
            #expect(try Data(contentsOf: url) == bytes, "\(name)")
        }
    }

    @Test("a folder where the file cannot be written keeps the compact copy in memory")
    func unwritable() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (matrix, url, _, id) = try Self.written(in: folder)
        try FileManager.default.removeItem(at: url)
        // A directory where the file should be: it can be neither mapped nor replaced by a rename.
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        let loaded = QuantizedSidecar.load(for: matrix, url: url, generation: 7, databaseID: id)
        #expect(Self.bytes(loaded) == Self.bytes(QuantizedEmbeddings(quantizing: matrix)))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test("an in-memory store builds the compact copy in memory; an empty kind has an empty one")
    func inMemory() throws {
        let store = try SQLiteIndexStore.inMemory()
        #expect(try store.embeddingMatrix(.image).compact?.rows == 0)
        _ = try store.saveDescription(sampleDescription(caption: "one", image: unit([1, 0])), for: FileFacts(path: "/p/1.jpg"))
        #expect(try store.embeddingMatrix(.image).compact?.rows == 1)
    }
}
