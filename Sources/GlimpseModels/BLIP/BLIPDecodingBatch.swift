import GlimpseRuntime

/// The decoder batch shared by greedy and beam search: the images being decoded, their embeddings (what
/// the cross-attention reads) and the rows' key/value cache.
///
/// Rows are grouped by image (`rowsPerImage` consecutive rows each: 1 for greedy search, the beams for
/// beam search). An image whose caption is finished stops being decoded; its embeddings are dropped from
/// the batch once at least half of the batch's images are finished, so the copying that dropping costs
/// stays below one copy of all embeddings, and until then its rows are idle passengers fed `[PAD]` whose
/// outputs are ignored.
struct BLIPDecodingBatch {
    let model: BLIPModel
    let rowsPerImage: Int
    let padTokenID: Int
    /// The images in the batch (indices into the caller's images), in row order.
    private(set) var members: [Int]
    private var keys: BLIPImageKeys
    private var cache: BLIPKeyValueCache?

    init(model: BLIPModel, keys: BLIPImageKeys, rowsPerImage: Int, padTokenID: Int) {
        self.model = model
        self.rowsPerImage = rowsPerImage
        self.padTokenID = padTokenID
        self.members = Array(0..<keys.count)
        self.keys = keys
    }

    /// Runs the prompt `[DEC] + prefix` once per image and spreads it to every row of the image.
    ///
    /// - Returns: for every image, the next-token logits of its rows, `rowsPerImage × [vocab]`.
    mutating func prefill(prompt: [Int]) throws -> [Int: [[Float]]] {
        let ids = try Tensor(shape: [members.count, prompt.count],
                             int64s: Array(repeating: prompt.map(Int64.init), count: members.count).flatMap { $0 })
        let (logits, cache) = try model.decode(inputIDs: ids, cache: nil, images: keys)
        self.cache = try cache.selecting(members.indices.flatMap { Array(repeating: $0, count: rowsPerImage) })
        let rows = try Self.lastPosition(logits)
        return Dictionary(uniqueKeysWithValues: members.enumerated().map { position, image in
            (image, Array(repeating: rows[position], count: rowsPerImage))
        })
    }

    /// Decodes one token for every row of the images in `continuing`; the other images are finished.
    ///
    /// - Parameter continuing: for each image still decoded, for each of its next rows the row
    ///   (`0..<rowsPerImage`) whose cache it continues (beams may repeat or move) and its new token.
    /// - Returns: for each image of `continuing`, the next-token logits of its rows.
    mutating func step(_ continuing: [Int: (sources: [Int], tokens: [Int])]) throws -> [Int: [[Float]]] {
        guard let cache else { throw RuntimeError.invalidGraph("BLIP decoding stepped before the prompt was run") }
        let idle = members.count - members.filter { continuing[$0] != nil }.count
        let compact = idle > 0 && 2 * idle >= members.count
        var kept: [Int] = [], sources: [Int] = [], tokens: [Int] = []
        for (position, image) in members.enumerated() {
            let base = position * rowsPerImage
            if let next = continuing[image] {
                kept.append(position)
                sources += next.sources.map { base + $0 }
                tokens += next.tokens
            } else if !compact {
                kept.append(position)
                sources += (0..<rowsPerImage).map { base + $0 }
                tokens += Array(repeating: padTokenID, count: rowsPerImage)
            }
        }
        if kept.count != members.count {
            keys = try keys.selecting(kept)
            members = kept.map { members[$0] }
        }
        let ids = try Tensor(shape: [tokens.count, 1], int64s: tokens.map(Int64.init))
        let (logits, present) = try model.decode(inputIDs: ids, cache: try cache.selecting(sources), images: keys)
        self.cache = present
        let rows = try Self.lastPosition(logits)
        var result: [Int: [[Float]]] = [:]
        for (position, image) in members.enumerated() where continuing[image] != nil {
            result[image] = Array(rows[(position * rowsPerImage)..<((position + 1) * rowsPerImage)])
        }
        return result
    }

    /// The logits of each row's last position: `[rows, tokens, vocab]` → `rows × [vocab]`.
    static func lastPosition(_ logits: Tensor) throws -> [[Float]] {
        let values = try logits.floats()
        let (rows, tokens, vocab) = (logits.shape[0], logits.shape[1], logits.shape[2])
        return (0..<rows).map { row in
            let start = (row * tokens + tokens - 1) * vocab
            return Array(values[start..<(start + vocab)])
        }
    }
}

/// What the decoder's cross-attention reads for a set of images: their embeddings,
/// `[images, positions, encoderHidden]`, and each image's matrix transposed, `[images, encoderHidden, positions]`.
/// Every layer attends to these directly (``BLIPTextDecoderGraph``), so they are the keys and values of all
/// layers at once.
public struct BLIPImageKeys: Sendable {
    public let embeddings: Tensor
    public let transposed: Tensor

    /// Number of images.
    public var count: Int { embeddings.shape.first ?? 0 }

    /// The keys of images embedded as `[images, positions, encoderHidden]`.
    init(embeddings: Tensor) throws {
        self.init(embeddings: embeddings, transposed: try Self.transposingEachImage(embeddings))
    }

    private init(embeddings: Tensor, transposed: Tensor) {
        self.embeddings = embeddings
        self.transposed = transposed
    }

    /// The keys of the images at `indices`, in that order (a copy unless it is all of them in order).
    public func selecting(_ indices: [Int]) throws -> BLIPImageKeys {
        if indices == Array(0..<count) { return self }
        return BLIPImageKeys(embeddings: try embeddings.selectingRows(indices), transposed: try transposed.selectingRows(indices))
    }

    /// Feeds for a decoder graph.
    func feeds() -> [String: Tensor] {
        [BLIPTextDecoderGraph.imageEmbeddingsName: embeddings, BLIPTextDecoderGraph.transposedImageEmbeddingsName: transposed]
    }

    /// `[images, rows, columns]` → `[images, columns, rows]`, in tiles that stay in the cache.
    static func transposingEachImage(_ tensor: Tensor) throws -> Tensor {
        guard tensor.shape.count == 3 else { throw RuntimeError.invalidGraph("expected [images, rows, columns], got \(tensor.shape)") }
        let (images, rows, columns) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        let source = try tensor.floats()
        let tile = 32
        let transposed = [Float](unsafeUninitializedCapacity: source.count) { target, initialized in
            source.withUnsafeBufferPointer { source in
                for image in 0..<images {
                    let base = image * rows * columns
                    for rowStart in stride(from: 0, to: rows, by: tile) {
                        for columnStart in stride(from: 0, to: columns, by: tile) {
                            for row in rowStart..<min(rowStart + tile, rows) {
                                for column in columnStart..<min(columnStart + tile, columns) {
                                    target[base + column * rows + row] = source[base + row * columns + column]
                                }
                            }
                        }
                    }
                }
            }
            initialized = source.count
        }
        return try Tensor(shape: [images, columns, rows], floats: transposed)
    }
}

/// The self-attention keys and values of the tokens decoded so far, per layer `[rows, heads, tokens, headSize]`.
public struct BLIPKeyValueCache: Sendable {
    public var keys: [Tensor]
    public var values: [Tensor]

    /// Cached tokens per row.
    public var length: Int { keys.first.map { $0.shape[2] } ?? 0 }

    /// The cache of the rows at `rows`, in that order; rows may repeat (beams that share a prefix).
    public func selecting(_ rows: [Int]) throws -> BLIPKeyValueCache {
        if let first = keys.first, rows == Array(0..<first.shape[0]) { return self }
        return BLIPKeyValueCache(keys: try keys.map { try $0.selectingRows(rows) },
                                 values: try values.map { try $0.selectingRows(rows) })
    }

    /// Feeds for the step graph.
    func feeds() -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for (layer, (key, value)) in zip(keys, values).enumerated() {
            feeds[BLIPTextDecoderGraph.pastKeyName(layer)] = key
            feeds[BLIPTextDecoderGraph.pastValueName(layer)] = value
        }
        return feeds
    }
}

extension Tensor {
    /// The slices `self[i]` for `i` in `rows` (along the first axis), stacked in that order.
    fileprivate func selectingRows(_ rows: [Int]) throws -> Tensor {
        guard let count = shape.first else { throw RuntimeError.invalidGraph("cannot select rows of a scalar") }
        let width = count == 0 ? 0 : elementCount / count
        let values = try floats()
        var selected: [Float] = []
        selected.reserveCapacity(rows.count * width)
        for row in rows {
            precondition(row >= 0 && row < count, "row \(row) out of 0..<\(count)")
            selected.append(contentsOf: values[(row * width)..<((row + 1) * width)])
        }
        return try Tensor(shape: [rows.count] + shape.dropFirst(), floats: selected)
    }
}
