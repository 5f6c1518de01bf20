import Foundation
import Testing
@testable import GlimpseRuntime

@Suite("ONNX serialisation")
struct ONNXSerializationTests {
    /// The model of Tools/fixtures/make_onnx_fixtures.py, written with Glimpse's types.
    private var referenceModel: ONNXModel {
        var graph = ONNXGraph(name: "reference")
        graph.nodes = [
            ONNXNode(opType: "Gemm", name: "gemm", inputs: ["x", "w", ""], outputs: ["h"],
                     attributes: [ONNXAttribute("alpha", 1.5), ONNXAttribute("transB", 1)]),
            ONNXNode(opType: "Mul", name: "mul", inputs: ["h", "e"], outputs: ["y"]),
            ONNXNode(opType: "Reshape", name: "reshape", inputs: ["y", "shape"], outputs: ["r"]),
            ONNXNode(opType: "Custom", domain: "com.microsoft", name: "custom", inputs: ["r"], outputs: ["z"], attributes: [
                ONNXAttribute("axes", .ints([0, -1])),
                ONNXAttribute("mode", "fast"),
                ONNXAttribute("scales", .floats([0.5, 2])),
                ONNXAttribute("value", .tensor(TensorDeclaration(name: "v", shape: [2], int64s: [1, 2]))),
            ]),
        ]
        graph.initializers = [
            TensorDeclaration(name: "w", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
            TensorDeclaration(name: "shape", shape: [2], int64s: [-1, 2]),
            TensorDeclaration(name: "e", elementType: .float, shape: [2],
                              contents: .external(location: "weights.safetensors", offset: 136, length: 8)),
        ]
        graph.inputs = [ValueInfo(name: "x", elementType: .float, shape: ["batch", 3])]
        graph.outputs = [ValueInfo(name: "z", elementType: .float, shape: nil),
                         ValueInfo(name: "y", elementType: .float, shape: ["batch", 2])]
        var model = ONNXModel(graph: graph, operatorSets: [.standard, .microsoft])
        model.producerVersion = "0.1.0"
        return model
    }

    @Test("bytes equal those of the official onnx package for the same model")
    func byteExact() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/onnx/reference", withExtension: "onnx"))
        let expected = try [UInt8](Data(contentsOf: url))
        let actual = referenceModel.serializedBytes()
        #expect(actual.count == expected.count)
        #expect(actual == expected)
    }

    @Test("a saved model has the serialised bytes")
    func writesFile() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-\(UUID()).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        try referenceModel.write(to: url)
        #expect(try [UInt8](Data(contentsOf: url)) == referenceModel.serializedBytes())
    }

    @Test("varints: negative integers take ten bytes, large ones are split in 7-bit groups")
    func varints() {
        var writer = ProtobufWriter()
        writer.int(1, -1)
        #expect(writer.bytes == [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        writer = ProtobufWriter()
        writer.int(2, 300)
        #expect(writer.bytes == [0x10, 0xAC, 0x02])
        writer = ProtobufWriter()
        writer.string(20, "ab")
        #expect(writer.bytes == [0xA2, 0x01, 0x02, 0x61, 0x62])
    }
}

@Suite("Graph builder")
struct GraphBuilderTests {
    @Test("node names are unique and scoped; constants are shared")
    func namesAndConstants() {
        let graph = GraphBuilder(name: "g")
        let x = graph.input("x", .float, [2])
        let a = graph.scope("layer.0") { graph.add(x, graph.scalar(1)) }
        let b = graph.scope("layer.0") { graph.add(a, graph.scalar(1)) }
        #expect(a.name == "layer.0/Add")
        #expect(b.name != a.name && b.name.hasPrefix("layer.0/Add"))
        #expect(graph.graph.initializers.count == 1)
        _ = graph.constant([1, 2] as [Int64])
        _ = graph.constant([1, 2] as [Int64])
        #expect(graph.graph.initializers.count == 2)
    }

    @Test("an output with another name goes through Identity, and optional inputs are empty names")
    func outputsAndOptionalInputs() {
        let graph = GraphBuilder(name: "g")
        let x = graph.input("x", .float, [2, 2])
        let y = graph.gemm(x, x, nil)
        graph.output(y, name: "result")
        #expect(graph.graph.nodes.first?.inputs == ["x", "x", ""])
        #expect(graph.graph.nodes.last?.opType == "Identity")
        #expect(graph.graph.outputs.map(\.name) == ["result"])
    }

    @Test("a finished model names an output at the node computing it, and its other readers follow")
    func outputsNamedAtTheirSource() throws {
        let graph = GraphBuilder(name: "g")
        let x = graph.input("x", .float, [2])
        let doubled = graph.add(x, x)
        let squared = graph.mul(doubled, doubled)  // doubled is read after it became an output too
        graph.output(doubled, name: "doubled")
        graph.output(squared, name: "squared")
        graph.output(squared, name: "squared_again")  // a second name for one value keeps a copy
        graph.output(x, name: "echo")  // an input is never renamed
        let model = graph.model()
        let nodes = model.graph.nodes
        #expect(nodes.map(\.opType) == ["Add", "Mul", "Identity", "Identity"])
        #expect(nodes[0].outputs == ["doubled"])
        #expect(nodes[1].inputs == ["doubled", "doubled"] && nodes[1].outputs == ["squared"])
        #expect(nodes[2].inputs == ["squared"] && nodes[2].outputs == ["squared_again"])
        #expect(nodes[3].inputs == ["x"] && nodes[3].outputs == ["echo"])

        let session = try InferenceSession(runtime: .shared(), modelBytes: model.serializedBytes())
        let out = try session.run(["x": Tensor(shape: [2], floats: [1, -3])])
        #expect(try out["doubled"]!.floats() == [2, -6])
        #expect(try out["squared"]!.floats() == [4, 36])
        #expect(try out["squared_again"]!.floats() == [4, 36])
        #expect(try out["echo"]!.floats() == [1, -3])
    }

    @Test("the built-in operators compute what their names say")
    func operatorsRun() throws {
        let graph = GraphBuilder(name: "ops")
        let x = graph.input("x", .float, [1, 4])
        graph.output(graph.gelu(x), name: "gelu")
        graph.output(graph.geluTanh(x), name: "gelu_tanh")
        graph.output(graph.quickGelu(x), name: "quick_gelu")
        graph.output(graph.softmax(x), name: "softmax")
        graph.output(graph.reshape(graph.transpose(x, permutation: [1, 0]), [2, 2]), name: "reshaped")
        graph.output(graph.slice(x, starts: [1], ends: [3], axes: [1]), name: "sliced")
        let session = try InferenceSession(runtime: .shared(), modelBytes: graph.model().serializedBytes())
        let values: [Float] = [-2, -0.5, 0.5, 3]
        let out = try session.run(["x": Tensor(shape: [1, 4], floats: values)])
        func erf(_ v: Double) -> Double { Foundation.erf(v) }
        let gelu = values.map { Float(0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot()))) }
        let tanhGelu = values.map { v -> Float in
            let d = Double(v)
            return Float(0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
        }
        let quick = values.map { $0 / (1 + Foundation.exp(-1.702 * $0)) }
        let exps = values.map { Foundation.exp($0) }
        let softmax = exps.map { $0 / exps.reduce(0, +) }
        #expect(maxDifference(try out["gelu"]!.floats(), gelu) < 1e-6)
        #expect(maxDifference(try out["gelu_tanh"]!.floats(), tanhGelu) < 1e-6)
        #expect(maxDifference(try out["quick_gelu"]!.floats(), quick) < 1e-6)
        #expect(maxDifference(try out["softmax"]!.floats(), softmax) < 1e-6)
        #expect(try out["reshaped"]!.floats() == [-2, -0.5, 0.5, 3])
        #expect(out["reshaped"]!.shape == [2, 2])
        #expect(try out["sliced"]!.floats() == [-0.5, 0.5])
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }
}
