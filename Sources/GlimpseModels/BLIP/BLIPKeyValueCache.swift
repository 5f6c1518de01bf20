import GlimpseRuntime

/// Every decoder layer's cross-attention keys and values for a set of images, computed once per image.
///
/// Keys `[images, heads, headSize, positions]`, values `[images, heads, positions, headSize]`.
public struct BLIPImageKeys: Sendable {
    public var keys: [Tensor]
    public var values: [Tensor]

    /// Number of images.
    public var count: Int { keys.first?.shape.first ?? 0 }

    /// The keys and values of the images at `indices`, in that order (a copy unless it is all of them in order).
    public func selecting(_ indices: [Int]) throws -> BLIPImageKeys {
        if indices == Array(0..<count) { return self }
        return BLIPImageKeys(keys: try keys.map { try $0.selectingRows(indices) },
                             values: try values.map { try $0.selectingRows(indices) })
    }

    /// Feeds for a decoder graph.
    func feeds() -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for (layer, (key, value)) in zip(keys, values).enumerated() {
            feeds[BLIPTextDecoderGraph.crossKeyName(layer)] = key
            feeds[BLIPTextDecoderGraph.crossValueName(layer)] = value
        }
        return feeds
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
