import Foundation

/// Embeddings of one kind as a row-major `[rows, dimension]` matrix of unit-length Float rows, with the
/// image (and, for regions, the region's index in its description) that each row belongs to.
///
/// Storage is either Swift memory or a read-only memory-mapped file kept alive by `storage`.
public struct EmbeddingMatrix: Sendable {
    public let dimension: Int
    /// `rowImages[r]` is the image of row `r`.
    public let rowImages: [ImageID]
    /// `rowRegions[r]` is the region index of row `r` (0 for whole-image and text rows).
    public let rowRegions: [Int32]
    private let storage: any EmbeddingStorage
    /// A compact int8 copy of the same rows that exact search may scan first (see `QuantizedEmbeddings`);
    /// nil for a matrix that has none (search then reads every row in fp32).
    public let compact: QuantizedEmbeddings?
    /// Each image's first row, built on first use and shared by the copies of this matrix.
    private let firstRows: FirstRowIndex
    /// Whether these rows are those of the last finished index run while another run is saving images:
    /// they miss what it saved since (see `SQLiteIndexStore.embeddingMatrix(_:)`).
    public private(set) var predatesRunInProgress = false

    public var rows: Int { rowImages.count }

    /// The first row that belongs to `image`, or nil when none does: a binary search when the rows are
    /// in ascending image order (checked once), a map built on the first call otherwise.
    public func firstRow(of image: ImageID) -> Int? {
        firstRows.row(of: image, in: rowImages)
    }

    /// A matrix over Swift memory: `values.count == rowImages.count * dimension`.
    public init(dimension: Int, rowImages: [ImageID], rowRegions: [Int32]? = nil, values: [Float]) {
        precondition(values.count == rowImages.count * dimension, "values do not match rows × dimension")
        self.init(dimension: dimension, rowImages: rowImages, rowRegions: rowRegions,
                  storage: ArrayEmbeddingStorage(values: values))
    }

    /// A matrix over storage that outlives it (a mapped file).
    public init(dimension: Int, rowImages: [ImageID], rowRegions: [Int32]?, storage: any EmbeddingStorage) {
        precondition(storage.count >= rowImages.count * dimension, "storage smaller than rows × dimension")
        self.dimension = dimension
        self.rowImages = rowImages
        self.rowRegions = rowRegions ?? [Int32](repeating: 0, count: rowImages.count)
        self.storage = storage
        self.firstRows = FirstRowIndex()
        self.compact = nil
    }

    private init(_ matrix: EmbeddingMatrix, compact: QuantizedEmbeddings?) {
        dimension = matrix.dimension
        rowImages = matrix.rowImages
        rowRegions = matrix.rowRegions
        storage = matrix.storage
        firstRows = matrix.firstRows
        predatesRunInProgress = matrix.predatesRunInProgress
        self.compact = compact
    }

    /// The same matrix, marked as the last finished run's while another run is saving images.
    func predatingRunInProgress() -> EmbeddingMatrix {
        var matrix = self
        matrix.predatesRunInProgress = true
        return matrix
    }

    /// The same matrix carrying `compact`, which must describe exactly these rows (same count and
    /// dimension; its contents are the caller's promise, see `QuantizedSidecar`).
    public func withCompact(_ compact: QuantizedEmbeddings?) -> EmbeddingMatrix {
        if let compact {
            precondition(compact.rows == rows && compact.dimension == dimension, "compact copy does not match the matrix")
        }
        return EmbeddingMatrix(self, compact: compact)
    }

    /// The same matrix with a compact copy quantized in memory now.
    public func quantized(threads: Int = 2) -> EmbeddingMatrix {
        withCompact(QuantizedEmbeddings(quantizing: self, threads: threads))
    }

    /// Calls `body` with all values, row after row.
    public func withValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withValues { try body(UnsafeBufferPointer(rebasing: $0.prefix(rows * dimension))) }
    }
}

/// Contiguous Float storage that an `EmbeddingMatrix` reads.
/// How `EmbeddingMatrix.firstRow(of:)` finds a row, chosen on first use: a binary search when the rows
/// are in ascending image order (as every store builds its matrices), else a map built in one pass.
private final class FirstRowIndex: @unchecked Sendable {
    private enum Lookup {
        case sorted
        case map([ImageID: Int])
    }

    // Guarded by `lock`.
    private var lookup: Lookup?
    private let lock = NSLock()

    func row(of image: ImageID, in rowImages: [ImageID]) -> Int? {
        let lookup: Lookup = lock.withLock {
            if let known = self.lookup { return known }
            let chosen: Lookup
            if zip(rowImages, rowImages.dropFirst()).allSatisfy({ $0 <= $1 }) {
                chosen = .sorted
            } else {
                var built = [ImageID: Int](minimumCapacity: rowImages.count)
                for (row, id) in rowImages.enumerated().reversed() { built[id] = row }
                chosen = .map(built)
            }
            self.lookup = chosen
            return chosen
        }
        switch lookup {
        case let .map(rows):
            return rows[image]
        case .sorted:
            // The first row whose image is not below `image`.
            var low = 0, high = rowImages.count
            while low < high {
                let middle = (low + high) / 2
                if rowImages[middle] < image { low = middle + 1 } else { high = middle }
            }
            return low < rowImages.count && rowImages[low] == image ? low : nil
        }
    }
}

public protocol EmbeddingStorage: Sendable {
    var count: Int { get }
    func withValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R
}

struct ArrayEmbeddingStorage: EmbeddingStorage {
    let values: [Float]
    var count: Int { values.count }
    func withValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }
}
