import Foundation
import GlimpseModels
import GlimpseRuntime

/// Writes Glimpse's own graphs of the two query encoders, CLIP's text tower and MiniLM, as ONNX files
/// beside their weights (`clip/model.onnx`, `minilm/model.onnx`), for experiments in Python on exactly
/// what a search runs (Benchmarks/experiments/query_encoders_int8.py).
enum TextGraphDump {
    static func write(clip: URL, minilm: URL, to folder: URL) throws {
        let clipFolder = folder.appending(path: "clip", directoryHint: .isDirectory)
        try placeWeights(of: clip, in: clipFolder)
        let clipCheckpoint = try SafeTensorsCheckpoint(directory: clip)
        let clipGraph = CLIPTextGraph(configuration: try ModelDirectory(url: clip).configuration(CLIPConfiguration.self))
        try Data(clipGraph.build(checkpoint: clipCheckpoint).graph.model().serializedBytes())
            .write(to: clipFolder.appending(path: "model.onnx"))

        let minilmFolder = folder.appending(path: "minilm", directoryHint: .isDirectory)
        try placeWeights(of: minilm, in: minilmFolder)
        let minilmCheckpoint = try SafeTensorsCheckpoint(directory: minilm)
        let bert = try BERTGraph(configuration: try ModelDirectory(url: minilm).configuration(BERTConfiguration.self),
                                 checkpoint: minilmCheckpoint)
        try Data(bert.build(checkpoint: minilmCheckpoint).graph.model().serializedBytes())
            .write(to: minilmFolder.appending(path: "model.onnx"))
    }
}
