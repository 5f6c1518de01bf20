import GlimpseRuntime

/// Moves activations between the flat `[batch·tokens, hidden]` layout that `Gemm` needs and the
/// per-head layout `[batch, heads, tokens, headSize]` of attention.
///
/// Transformer graphs keep activations flat so every Hugging Face `Linear` becomes one `Gemm` with
/// `transB = 1` over the stored `[out, in]` weight (no transposed copy of the weight is ever made).
public struct SequenceLayout {
    public let hidden: Int
    public let heads: Int
    public var headSize: Int { hidden / heads }
    /// `[batch, tokens, heads, headSize]`, computed in the graph from the input's shape.
    let splitHeadsShape: GraphValue
    /// `[batch, tokens, hidden]`.
    let sequenceShape: GraphValue

    /// - Parameter sequence: any `[batch, tokens, …]` tensor whose first two dimensions are the layout's.
    public init(graph: GraphBuilder, sequence: GraphValue, hidden: Int, heads: Int) throws {
        guard heads > 0, hidden % heads == 0 else {
            throw RuntimeError.invalidGraph("hidden size \(hidden) is not divisible by \(heads) attention heads")
        }
        self.hidden = hidden
        self.heads = heads
        let batchAndTokens = graph.shape(sequence, start: 0, end: 2)
        splitHeadsShape = graph.concat([batchAndTokens, graph.constant([Int64(heads), Int64(hidden / heads)])], axis: 0)
        sequenceShape = graph.concat([batchAndTokens, graph.constant([Int64(hidden)])], axis: 0)
    }

    /// `[batch, tokens, hidden]` → `[batch·tokens, hidden]`.
    public func flatten(_ x: GraphValue, in graph: GraphBuilder) -> GraphValue {
        graph.reshape(x, [-1, Int64(hidden)])
    }

    /// `[batch·tokens, hidden]` → `[batch, tokens, hidden]`.
    public func unflatten(_ x: GraphValue, in graph: GraphBuilder) -> GraphValue {
        graph.reshape(x, shape: sequenceShape)
    }

    /// `[batch·tokens, hidden]` → `[batch, heads, tokens, headSize]`, or `[batch, heads, headSize, tokens]` when `transposed`.
    func splitHeads(_ x: GraphValue, transposed: Bool = false, in graph: GraphBuilder) -> GraphValue {
        let split = graph.reshape(x, shape: splitHeadsShape)
        return graph.transpose(split, permutation: transposed ? [0, 2, 3, 1] : [0, 2, 1, 3])
    }

    /// `[batch, heads, tokens, headSize]` → `[batch·tokens, hidden]`.
    func mergeHeads(_ x: GraphValue, in graph: GraphBuilder) -> GraphValue {
        graph.reshape(graph.transpose(x, permutation: [0, 2, 1, 3]), [-1, Int64(hidden)])
    }
}
