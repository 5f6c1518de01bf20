import GlimpseRuntime

extension CheckpointWeights {
    /// A channels-first layer normalisation (`SamLayerNorm`/`ConvNextLayerNorm` with
    /// `data_format="channels_first"`, often called LayerNorm2d) named `prefix`:
    ///
    ///     u = mean(x, channels);  s = mean((x − u)², channels)
    ///     y = weight[c] · (x − u) / √(s + ε) + bias[c]
    ///
    /// - Parameter x: `[batch, channels, height, width]`.
    /// - Returns: `[batch, channels, height, width]`.
    public func layerNorm2d(_ x: GraphValue, _ prefix: String, channels: Int, epsilon: Float) throws -> GraphValue {
        let graph = self.graph
        let weight = graph.reshape(try float("\(prefix).weight", shape: [channels]), [Int64(channels), 1, 1])
        let bias = graph.reshape(try float("\(prefix).bias", shape: [channels]), [Int64(channels), 1, 1])
        // ReduceMean in opset 17 takes its axes as an attribute.
        let channelMean = { (v: GraphValue) in graph.op("ReduceMean", v, attributes: ["axes": .ints([1]), "keepdims": 1]) }
        let centred = graph.sub(x, channelMean(x))
        let variance = channelMean(graph.mul(centred, centred))
        let normalised = graph.div(centred, graph.sqrt(graph.add(variance, graph.scalar(epsilon))))
        return graph.add(graph.mul(normalised, weight), bias)
    }
}
