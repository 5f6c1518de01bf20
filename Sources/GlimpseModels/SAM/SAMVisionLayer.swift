import GlimpseRuntime

/// One layer of SAM's ViT image encoder (`SamVisionLayer`), on flat patch tokens
/// `[batch·grid·grid, hidden]` (rows of the grid outermost, as `[batch, grid, grid, hidden]` flattened):
///
///     x = x + proj(attention(windows(layer_norm1(x))))     windowed or global, with relative positions
///     x = x + lin2(act(lin1(layer_norm2(x))))
///
/// Windowed layers pad the grid at the bottom and right to a multiple of the window, attend inside
/// each `window × window` square, and crop the padding away afterwards, exactly as
/// `window_partition`/`window_unpartition`.
struct SAMVisionLayer {
    let configuration: SAMVisionConfiguration
    /// Side of the attention windows in patches; `0` means global attention over the whole grid.
    let windowSize: Int
    /// Global attention runs in this many chunks of query rows (memory; the result is the same).
    var queryChunks: Int = 4

    /// - Parameter x: `[batch·grid·grid, hidden]`.
    /// - Returns: `[batch·grid·grid, hidden]`.
    func callAsFunction(_ x: GraphValue, prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let c = configuration, graph = weights.graph
        let epsilon = Float(c.layerNormEps)
        return try graph.scope(prefix) {
            let normed = try weights.layerNorm(x, "\(prefix).layer_norm1", size: c.hiddenSize, epsilon: epsilon)
            let attended: GraphValue
            if windowSize > 0 {
                let windows = partition(normed, graph: graph)
                let context = try attention(windows, side: windowSize, prefix: "\(prefix).attn", weights: weights)
                attended = unpartition(context, graph: graph)
            } else {
                attended = try attention(normed, side: c.gridSize, prefix: "\(prefix).attn", weights: weights)
            }
            let residual = graph.add(x, attended)
            let normed2 = try weights.layerNorm(residual, "\(prefix).layer_norm2", size: c.hiddenSize, epsilon: epsilon)
            let up = try weights.linear(normed2, "\(prefix).mlp.lin1", input: c.hiddenSize, output: c.mlpDim)
            let down = try weights.linear(try c.hiddenAct.apply(up, in: graph), "\(prefix).mlp.lin2",
                                          input: c.mlpDim, output: c.hiddenSize)
            return graph.add(residual, down)
        }
    }

    /// Windows per side of the padded grid.
    private var windowsPerSide: Int { (configuration.gridSize + windowSize - 1) / windowSize }

    /// `[batch·grid·grid, hidden]` → flat windows `[batch·windows·window·window, hidden]`, padding with zeros.
    private func partition(_ x: GraphValue, graph: GraphBuilder) -> GraphValue {
        let grid = Int64(configuration.gridSize), hidden = Int64(configuration.hiddenSize)
        let count = Int64(windowsPerSide), side = Int64(windowSize)
        var image = graph.reshape(x, [-1, grid, grid, hidden])
        let pad = count * side - grid
        if pad > 0 {
            image = graph.op("Pad", image, graph.constant([0, 0, 0, 0, 0, pad, pad, 0]))
        }
        let split = graph.reshape(image, [-1, count, side, count, side, hidden])
        return graph.reshape(graph.transpose(split, permutation: [0, 1, 3, 2, 4, 5]), [-1, hidden])
    }

    /// Flat windows `[batch·windows·window·window, hidden]` → `[batch·grid·grid, hidden]`, cropping the padding.
    private func unpartition(_ windows: GraphValue, graph: GraphBuilder) -> GraphValue {
        let grid = Int64(configuration.gridSize), hidden = Int64(configuration.hiddenSize)
        let count = Int64(windowsPerSide), side = Int64(windowSize)
        let split = graph.reshape(windows, [-1, count, count, side, side, hidden])
        var image = graph.reshape(graph.transpose(split, permutation: [0, 1, 3, 2, 4, 5]), [-1, count * side, count * side, hidden])
        if count * side != grid {
            image = graph.slice(image, starts: [0, 0], ends: [grid, grid], axes: [1, 2])
        }
        return graph.reshape(image, [-1, hidden])
    }

    /// `SamVisionAttention` over square patches of `side × side` tokens.
    ///
    /// Global attention (one patch: the whole grid) runs in chunks of query rows, so the scores of only
    /// `1 / queryChunks` of the queries exist at a time (`[batch, heads, 4096, 4096]` is 805 MB for ViT-B);
    /// each query row's scores and softmax are computed whole, so chunking does not change the result.
    ///
    /// - Parameter x: `[patches·side·side, hidden]`.
    /// - Returns: `[patches·side·side, hidden]`.
    private func attention(_ x: GraphValue, side: Int, prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let c = configuration, graph = weights.graph
        let heads = Int64(c.numAttentionHeads), headDim = Int64(c.headDim), hidden = Int64(c.hiddenSize)
        let tokens = Int64(side * side)
        let qkv = try weights.linear(x, "\(prefix).qkv", input: c.hiddenSize, output: 3 * c.hiddenSize, bias: c.qkvBias)
        // [patches, tokens, 3, heads, headDim] → [3, patches, heads, tokens, headDim]
        let split = graph.transpose(graph.reshape(qkv, [-1, tokens, 3, heads, headDim]), permutation: [2, 0, 3, 1, 4])
        let part = { (index: Int64) in graph.gather(split, indices: graph.constant([index], shape: []), axis: 0) }
        let query = part(0), key = part(1), value = part(2)
        let scale = graph.scalar(Float(1 / Double(c.headDim).squareRoot()))
        let keysTransposed = graph.transpose(key, permutation: [0, 1, 3, 2])
        let chunks = windowSize > 0 ? 1 : max(1, min(queryChunks, side))
        let rowsPerChunk = (side + chunks - 1) / chunks
        var contexts: [GraphValue] = []
        for first in stride(from: 0, to: side, by: rowsPerChunk) {
            let rows = first..<min(first + rowsPerChunk, side)
            let chunk = chunks == 1 ? query
                : graph.slice(query, starts: [Int64(rows.lowerBound * side)], ends: [Int64(rows.upperBound * side)], axes: [2])
            var scores = graph.matMul(graph.mul(chunk, scale), keysTransposed)
            if c.useRelPos {
                scores = try addDecomposedRelativePositions(scores, query: chunk, rows: rows, side: side, prefix: prefix, weights: weights)
            }
            contexts.append(graph.matMul(graph.softmax(scores, axis: -1), value))
        }
        let context = contexts.count == 1 ? contexts[0] : graph.concat(contexts, axis: 2)
        let merged = graph.reshape(graph.transpose(context, permutation: [0, 2, 1, 3]), [-1, hidden])
        return try weights.linear(merged, "\(prefix).proj", input: c.hiddenSize, output: c.hiddenSize)
    }

    /// Adds `q · R_h[qy − ky]` and `q · R_w[qx − kx]` to the attention scores (MViTv2's decomposed
    /// relative positions; the unscaled query).
    ///
    /// - Parameters:
    ///   - scores: `[patches, heads, rows·side, side²]` for the query grid rows `rows`.
    ///   - query: `[patches, heads, rows·side, headDim]`.
    private func addDecomposedRelativePositions(
        _ scores: GraphValue, query: GraphValue, rows: Range<Int>, side: Int, prefix: String, weights: CheckpointWeights
    ) throws -> GraphValue {
        let c = configuration, graph = weights.graph
        let s = Int64(side), n = Int64(rows.count), heads = Int64(c.numAttentionHeads), headDim = Int64(c.headDim)
        // The stored tables have 2·side − 1 rows, so transformers' interpolation is the identity and
        // the lookup is rel_pos[q − k + side − 1].
        let offsets = { (queries: Range<Int>) in queries.flatMap { q in (0..<side).map { k in Int64(q - k + side - 1) } } }
        let tableH = graph.gather(try weights.float("\(prefix).rel_pos_h", shape: [2 * side - 1, c.headDim]),
                                  indices: graph.constant(offsets(rows), shape: [rows.count, side]))
        let tableW = graph.gather(try weights.float("\(prefix).rel_pos_w", shape: [2 * side - 1, c.headDim]),
                                  indices: graph.constant(offsets(0..<side), shape: [side, side]))
        let grid = graph.reshape(query, [-1, n, s, headDim])  // [patches·heads, qy, qx, headDim]
        let relH = graph.op("Einsum", grid, tableH, attributes: ["equation": "bhwc,hkc->bhwk"])
        let relW = graph.op("Einsum", grid, tableW, attributes: ["equation": "bhwc,wkc->bhwk"])
        let expanded = graph.reshape(scores, [-1, n, s, s, s])  // [patches·heads, qy, qx, ky, kx]
        let biased = graph.add(graph.add(expanded, graph.unsqueeze(relH, axes: [4])), graph.unsqueeze(relW, axes: [3]))
        return graph.reshape(biased, [-1, heads, n * s, s * s])
    }
}
