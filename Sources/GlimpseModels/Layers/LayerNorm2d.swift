import GlimpseRuntime

extension CheckpointWeights {
    /// A channels-first layer normalisation (`SamLayerNorm`/`ConvNextLayerNorm` with
    /// `data_format="channels_first"`, often called LayerNorm2d) named `prefix`:
    ///
    ///     u = mean(x, channels);  s = mean((x − u)², channels)
    ///     y = weight[c] · (x − u) / √(s + ε) + bias[c]
    ///
    /// Computed as ONNX `LayerNormalization` over the last axis of the channels-last view (one fused
    /// kernel instead of eight element-wise passes).
    ///
    /// - Parameter x: `[batch, channels, height, width]`.
    /// - Returns: `[batch, channels, height, width]`.
    public func layerNorm2d(_ x: GraphValue, _ prefix: String, channels: Int, epsilon: Float) throws -> GraphValue {
        let graph = self.graph
        let channelsLast = graph.transpose(x, permutation: [0, 2, 3, 1])
        let normalised = try layerNorm(channelsLast, prefix, size: channels, epsilon: epsilon)
        return graph.transpose(normalised, permutation: [0, 3, 1, 2])
    }
}
