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
    let queryChunks: Int

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
                // The output projection works token by token, so it runs after the padding is cropped.
                let context = unpartition(try windowAttention(windows, prefix: "\(prefix).attn", weights: weights), graph: graph)
                attended = try weights.linear(context, "\(prefix).attn.proj", input: c.hiddenSize, output: c.hiddenSize)
            } else {
                attended = try attention(normed, side: c.gridSize, prefix: "\(prefix).attn", weights: weights)
            }
            let residual = graph.add(x, attended)
            let normed2 = try weights.layerNorm(residual, "\(prefix).layer_norm2", size: c.hiddenSize, epsilon: epsilon)
            let up = try weights.linear(normed2, "\(prefix).mlp.lin1", input: c.hiddenSize, output: c.mlpDim)
            let down = try weights.linear(try samActivation(c.hiddenAct, up, in: graph), "\(prefix).mlp.lin2",
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

    /// `SamVisionAttention` inside windows, as one fused `com.microsoft.MultiHeadAttention`, before its
    /// output projection (which the caller applies once the padding is cropped).
    ///
    /// The decomposed relative positions become part of the query·key product: each query gets its
    /// `relH` row (one value per key row `ky`) and `relW` row (per key column `kx`) appended, each key a
    /// one-hot of its row and of its column, so `q'·k' = q·k + relH[ky] + relW[kx]`. The appended parts
    /// are multiplied by √headDim to cancel the attention's scale, which transformers applies to `q·k` only.
    /// The scores then never exist outside the fused kernel.
    ///
    /// - Parameter x: `[windows·side², hidden]`.
    /// - Returns: the heads' merged context, `[windows·side², hidden]`.
    private func windowAttention(_ x: GraphValue, prefix: String, weights: CheckpointWeights) throws -> GraphValue {
        let c = configuration, graph = weights.graph
        let heads = Int64(c.numAttentionHeads), headDim = Int64(c.headDim), hidden = Int64(c.hiddenSize)
        let side = windowSize, s = Int64(side), tokens = Int64(side * side)
        let qkv = try weights.linear(x, "\(prefix).qkv", input: c.hiddenSize, output: 3 * c.hiddenSize, bias: c.qkvBias)
        let parts = graph.node("Split", [graph.reshape(qkv, [-1, tokens, 3, heads, headDim])], attributes: ["axis": 2], outputs: 3)  // each [windows, tokens, 1, heads, headDim]
        let perHead = parts.map { graph.reshape($0, [-1, tokens, heads, headDim]) }
        var query = perHead[0], key = perHead[1]
        if c.useRelPos {
            let offsets = (0..<side).flatMap { q in (0..<side).map { k in Int64(q - k + side - 1) } }
            let table = { (name: String) throws -> GraphValue in
                // [side (query row or column), headDim, side (key row or column)]
                graph.transpose(graph.gather(try weights.float("\(prefix).\(name)", shape: [2 * side - 1, c.headDim]),
                                             indices: graph.constant(offsets, shape: [side, side])), permutation: [0, 2, 1])
            }
            let grid = graph.reshape(query, [-1, s, s, heads, headDim])  // [windows, qy, qx, heads, headDim]
            // relH[w, qy, qx, h, ky], batched over qy; relW[w, qy, qx, h, kx], batched over qx.
            let byRow = graph.reshape(graph.transpose(grid, permutation: [1, 0, 2, 3, 4]), [s, -1, headDim])
            let relH = graph.transpose(graph.reshape(graph.matMul(byRow, try table("rel_pos_h")), [s, -1, s, heads, s]),
                                       permutation: [1, 0, 2, 3, 4])
            let byColumn = graph.reshape(graph.transpose(grid, permutation: [2, 0, 1, 3, 4]), [s, -1, headDim])
            let relW = graph.transpose(graph.reshape(graph.matMul(byColumn, try table("rel_pos_w")), [s, -1, s, heads, s]),
                                       permutation: [1, 2, 0, 3, 4])
            let unscale = graph.scalar(Float(Double(c.headDim).squareRoot()))
            query = graph.concat([query, graph.reshape(graph.mul(relH, unscale), [-1, tokens, heads, s]),
                                  graph.reshape(graph.mul(relW, unscale), [-1, tokens, heads, s])], axis: 3)
            var rows: [Float] = [], columns: [Float] = []
            for token in 0..<(side * side) {
                rows += (0..<side).map { $0 == token / side ? 1 : 0 }
                columns += (0..<side).map { $0 == token % side ? 1 : 0 }
            }
            let indicatorShape = graph.concat([graph.shape(key, start: 0, end: 3), graph.constant([s])], axis: 0)
            let indicator = { (values: [Float]) in
                graph.op("Expand", graph.constant(floats: values, shape: [1, side * side, 1, side]), indicatorShape)
            }
            key = graph.concat([key, indicator(rows), indicator(columns)], axis: 3)
        }
        let width = c.useRelPos ? headDim + 2 * s : headDim
        let context = graph.op("MultiHeadAttention", graph.reshape(query, [0, 0, heads * width]), graph.reshape(key, [0, 0, heads * width]),
                               graph.reshape(perHead[2], [0, 0, hidden]),
                               attributes: ["num_heads": .int(c.numAttentionHeads), "scale": .float(Float(1 / Double(c.headDim).squareRoot()))],
                               domain: "com.microsoft")
        return graph.reshape(context, [-1, hidden])
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
        // relH[b, qy, qx, ky] = q[b, qy, qx]·tableH[qy, ky]: one product per query row (batched over qy),
        // relW[b, qy, qx, kx] = q[b, qy, qx]·tableW[qx, kx]: one per query column; the transposes move
        // only the chunk's queries and these small results, never the scores.
        let grid = graph.reshape(query, [-1, n, s, headDim])  // [patches·heads, qy, qx, headDim]
        let byRow = graph.reshape(graph.transpose(grid, permutation: [1, 0, 2, 3]), [n, -1, headDim])  // [qy, b·qx, c]
        let relHRows = graph.matMul(byRow, graph.transpose(tableH, permutation: [0, 2, 1]))  // [qy, b·qx, ky]
        let relH = graph.transpose(graph.reshape(relHRows, [n, -1, s, s]), permutation: [1, 0, 2, 3])  // [b, qy, qx, ky]
        let byColumn = graph.reshape(graph.transpose(grid, permutation: [2, 0, 1, 3]), [s, -1, headDim])  // [qx, b·qy, c]
        let relWColumns = graph.matMul(byColumn, graph.transpose(tableW, permutation: [0, 2, 1]))  // [qx, b·qy, kx]
        let relW = graph.transpose(graph.reshape(relWColumns, [s, -1, n, s]), permutation: [1, 2, 0, 3])  // [b, qy, qx, kx]
        let expanded = graph.reshape(scores, [-1, n, s, s, s])  // [patches·heads, qy, qx, ky, kx]
        let biased = graph.add(graph.add(expanded, graph.unsqueeze(relH, axes: [4])), graph.unsqueeze(relW, axes: [3]))
        return graph.reshape(biased, [-1, heads, n * s, s * s])
    }
}
