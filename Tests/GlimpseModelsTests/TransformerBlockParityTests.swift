import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// The first proof of the approach: a transformer block written with the graph builder, weights lent
/// from a safetensors file, run by ONNX Runtime, equal to transformers' `CLIPEncoderLayer`.
@Suite("Transformer block parity")
struct TransformerBlockParityTests {
    private let folder = Bundle.module.url(forResource: "Fixtures/transformer_block", withExtension: nil)!

    private func run(activation: HiddenActivation, options: SessionOptions = SessionOptions(intraOpThreads: 1),
                     projections: AttentionProjections = .packed) throws -> (output: [Float], expected: SafeTensorsFile) {
        let reference = try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
        let checkpoint = try SafeTensorsCheckpoint(file: folder.appending(path: "weights.safetensors"))
        let input = try reference.floats("input")
        let inputShape = try reference.info("input").shape

        let graph = GraphBuilder(name: "clip_encoder_layer")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let x = graph.input("hidden_states", .float, ["batch", "tokens", 36])
        let layout = try SequenceLayout(graph: graph, sequence: x, hidden: 36, heads: 3)
        let layer = PreNormEncoderLayer(hidden: 36, heads: 3, intermediate: 53, activation: activation, layerNormEpsilon: 1e-5,
                                        projections: projections)
        let y = try layer(layout.flatten(x, in: graph), prefix: "", layout: layout, weights: weights)
        graph.output(layout.unflatten(y, in: graph), name: "output", .float, ["batch", "tokens", 36])

        let session = try InferenceSession(runtime: .shared(), weights: weights, options: options)
        let output = try session.run(["hidden_states": Tensor(shape: inputShape, floats: input)])["output"]
        #expect(output?.shape == inputShape)
        return (try #require(output).floats(), reference)
    }

    @Test("quick_gelu block equals transformers within 1e-5, with packed or separate projections",
          arguments: [AttentionProjections.packed, .separate])
    func quickGelu(projections: AttentionProjections) throws {
        let (output, reference) = try run(activation: .quickGELU, projections: projections)
        let expected = try reference.floats("output")
        #expect(maxAbsoluteDifference(output, expected) < 1e-5)
    }

    @Test("gelu block equals transformers within 1e-5")
    func gelu() throws {
        let (output, reference) = try run(activation: .gelu)
        let expected = try reference.floats("output_gelu")
        #expect(maxAbsoluteDifference(output, expected) < 1e-5)
        // The two activations differ enough that the comparison can tell them apart.
        #expect(maxAbsoluteDifference(output, try reference.floats("output")) > 1e-3)
    }

    @Test("the result is the same without pre-packing, graph optimisation, arena and memory patterns")
    func optionsDoNotChangeResults() throws {
        var options = SessionOptions(intraOpThreads: 1, optimization: .disabled, prepacking: false)
        options.memoryArena = false
        options.memoryPattern = false
        let (output, reference) = try run(activation: .quickGELU, options: options)
        #expect(maxAbsoluteDifference(output, try reference.floats("output")) < 1e-5)
    }

    @Test("a checkpoint whose shapes disagree with the configuration is refused by name")
    func wrongShape() throws {
        let checkpoint = try SafeTensorsCheckpoint(file: folder.appending(path: "weights.safetensors"))
        let graph = GraphBuilder(name: "wrong")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let x = graph.input("x", .float, ["rows", 40])
        #expect {
            try weights.linear(x, "mlp.fc1", input: 40, output: 53)
        } throws: { error in
            "\(error)".contains("mlp.fc1.weight")
        }
    }
}

@Suite("Checkpoint weights: rows of a stored tensor")
struct CheckpointWeightRowsTests {
    private let folder = Bundle.module.url(forResource: "Fixtures/transformer_block", withExtension: nil)!

    @Test("rows of a weight and of a bias are declared where they are stored and hold exactly those rows; rows that do not exist are refused")
    func rows() throws {
        let file = try SafeTensorsFile(url: folder.appending(path: "weights.safetensors"))
        let checkpoint = try SafeTensorsCheckpoint(file: folder.appending(path: "weights.safetensors"))
        let graph = GraphBuilder(name: "rows")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let weightShape = try file.info("mlp.fc1.weight").shape, biasShape = try file.info("mlp.fc1.bias").shape
        let (count, width) = (weightShape[0], weightShape[1])
        let middle = 5..<(count - 7)
        graph.output(graph.identity(try weights.float("mlp.fc1.weight", rows: middle, shape: weightShape)), name: "weight_rows")
        graph.output(graph.identity(try weights.float("mlp.fc1.bias", rows: middle, shape: biasShape)), name: "bias_rows")
        #expect(weights.buffers.map(\.shape) == [[middle.count, width], [middle.count]])
        let session = try InferenceSession(runtime: .shared(), weights: weights, options: SessionOptions(intraOpThreads: 1))
        let outputs = try session.run([:])
        #expect(try outputs["weight_rows"]?.floats() == Array(try file.floats("mlp.fc1.weight")[(middle.lowerBound * width)..<(middle.upperBound * width)]))
        #expect(try outputs["bias_rows"]?.floats() == Array(try file.floats("mlp.fc1.bias")[middle]))

        for rows in [count - 1..<count + 1, 3..<3] {
            #expect { try weights.float("mlp.fc1.weight", rows: rows) } throws: { "\($0)".contains("mlp.fc1.weight") }
        }
        #expect { try weights.float("mlp.fc1.weight", rows: 0..<1, shape: [count + 1, width]) } throws: { "\($0)".contains("mlp.fc1.weight") }
    }
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
