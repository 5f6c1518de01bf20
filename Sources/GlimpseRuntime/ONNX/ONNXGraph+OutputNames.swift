extension ONNXGraph {
    /// The same graph with each output that an `Identity` node only renames given its name at the node
    /// that computes it, and that `Identity` removed.
    ///
    /// ONNX Runtime keeps such an `Identity` when other nodes read its input too (a transformer's image
    /// state that later layers read and the graph also returns, a key/value cache), and then copies the
    /// whole tensor on every run. A renamed value keeps flowing to its other readers under the new name.
    /// Graph inputs, initializers and values the graph also returns under their own name keep the copy.
    func namingOutputsAtTheirSource() -> ONNXGraph {
        let outputNames = Set(outputs.map(\.name))
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producer[output] = index }
        }
        var renamed: [String: String] = [:]
        var removed = Set<Int>()
        for (index, node) in nodes.enumerated()
        where node.opType == "Identity" && node.domain.isEmpty && node.inputs.count == 1 && node.outputs.count == 1 {
            let source = node.inputs[0], target = node.outputs[0]
            guard outputNames.contains(target), !outputNames.contains(source), renamed[source] == nil,
                  producer[source] != nil else { continue }
            renamed[source] = target
            removed.insert(index)
        }
        guard !renamed.isEmpty else { return self }
        var result = self
        result.nodes = nodes.enumerated().compactMap { index, node in
            guard !removed.contains(index) else { return nil }
            var node = node
            node.inputs = node.inputs.map { renamed[$0] ?? $0 }
            node.outputs = node.outputs.map { renamed[$0] ?? $0 }
            return node
        }
        return result
    }
}
