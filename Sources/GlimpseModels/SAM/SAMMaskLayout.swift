import Dispatch

/// The pixel order of the mask decoder's `block_masks` and the conversion to image order.
///
/// The decoder upscales each image-embedding cell `(y, x)` by two 2×2 transposed convolutions, so each
/// cell becomes a 4×4 block of low-resolution mask pixels, computed as rows `(i, j)` of the first
/// convolution and `(i2, j2)` of the second. The graph keeps that order — pixel
/// `(Y, X) = (4y + 2i + i2, 4x + 2j + j2)` sits at `((y·grid + x)·16 + i·8 + j·4 + i2·2 + j2)` — with the
/// mask tokens innermost, and this type puts the masks asked for into image order, row-major.
enum SAMMaskLayout {
    /// Block-ordered logits `[count, 16·grid², tokens]` → image-ordered `[count, picked.count, 4·grid, 4·grid]`.
    static func imageOrder(_ block: UnsafeBufferPointer<Float>, count: Int, grid: Int, tokens: Int, picking picked: Range<Int>) -> [Float] {
        let side = 4 * grid, plane = side * side, masks = picked.count
        precondition(block.count == count * 16 * grid * grid * tokens && picked.lowerBound >= 0 && picked.upperBound <= tokens)
        // Every element is written: each (row, slot, image row) gets all `side` columns.
        return [Float](unsafeUninitializedCapacity: count * masks * plane) { target, initialized in
            let buffers = Buffers(source: block, target: target)
            let workers = min(count, 4)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let source = buffers.source, target = buffers.target
                for row in stride(from: worker, to: count, by: workers) {
                    for y in 0..<grid {
                        for i in 0..<2 {
                            for i2 in 0..<2 {
                                let imageRow = 4 * y + 2 * i + i2
                                for (slot, token) in picked.enumerated() {
                                    var out = (row * masks + slot) * plane + imageRow * side
                                    var cell = ((row * grid + y) * grid) * 16 + i * 8 + i2 * 2
                                    for _ in 0..<grid {
                                        // Columns 4x + (0, 1, 2, 3) are (j, j2) = (0, 0), (0, 1), (1, 0), (1, 1).
                                        target[out] = source[cell * tokens + token]
                                        target[out + 1] = source[(cell + 1) * tokens + token]
                                        target[out + 2] = source[(cell + 4) * tokens + token]
                                        target[out + 3] = source[(cell + 5) * tokens + token]
                                        out += 4
                                        cell += 16
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = count * masks * plane
        }
    }

    /// The two buffers of one conversion; the workers write disjoint rows of `target`.
    private struct Buffers: @unchecked Sendable {
        let source: UnsafeBufferPointer<Float>
        let target: UnsafeMutableBufferPointer<Float>
    }

    /// Columns `picked` of `[count, tokens]` scores.
    static func pick(_ scores: [Float], count: Int, tokens: Int, picking picked: Range<Int>) -> [Float] {
        (0..<count).flatMap { row in picked.map { scores[row * tokens + $0] } }
    }
}
