import Foundation
import GlimpseModels
import GlimpseRuntime

/// Session creation, resident memory and run time for the 12-layer encoder of a CLIP ViT-B/32
/// checkpoint (`vision_model.encoder.layers.*`) at `[1, 50, 768]`, the shape of one 224² image.
struct EncoderBenchmark {
    struct Result: Encodable {
        var prepacking: Bool
        var weights: String
        var attention: String
        var threads: Int
        var layers: Int
        var weightBytes: Int
        var residentBeforeBytes: Int
        var residentAfterCreationBytes: Int
        var residentAfterRunBytes: Int
        var sessionCreationMilliseconds: Double
        var runMedianMilliseconds: Double
        var runMinimumMilliseconds: Double
    }

    var modelDirectory: URL
    var prepacking: Bool
    var lendWeights: Bool
    var projections: AttentionProjections
    var threads: Int
    var runs: Int

    func run() throws -> Result {
        let runtime = try OnnxRuntime.shared()
        let residentBefore = residentBytes()
        let checkpoint = try SafeTensorsCheckpoint(directory: modelDirectory)
        let prefix = "vision_model.encoder.layers"
        let layerCount = Set(checkpoint.names.filter { $0.hasPrefix(prefix + ".") }
            .compactMap { Int($0.dropFirst(prefix.count + 1).prefix { $0 != "." }) }).count

        let start = ContinuousClock.now
        let graph = GraphBuilder(name: "clip_vision_encoder")
        let weights = CheckpointWeights(checkpoint: checkpoint, graph: graph)
        let x = graph.input("hidden_states", .float, ["batch", "tokens", 768])
        let layout = try SequenceLayout(graph: graph, sequence: x, hidden: 768, heads: 12)
        let layer = PreNormEncoderLayer(hidden: 768, heads: 12, intermediate: 3072, activation: .quickGELU, layerNormEpsilon: 1e-5,
                                        projections: projections)
        var hidden = layout.flatten(x, in: graph)
        for index in 0..<layerCount {
            hidden = try layer(hidden, prefix: "\(prefix).\(index)", layout: layout, weights: weights)
        }
        graph.output(layout.unflatten(hidden, in: graph), name: "last_hidden_state")

        let options = weights.sessionOptions(SessionOptions(intraOpThreads: threads, prepacking: prepacking))
        let session = lendWeights
            ? try InferenceSession(runtime: runtime, weights: weights, options: options)
            : try InferenceSession(runtime: runtime, modelBytes: graph.model().serializedBytes(), options: options)
        let creation = ContinuousClock.now - start
        let residentAfterCreation = residentBytes()

        var generator = SystemRandomNumberGenerator()
        let input = try Tensor(shape: [1, 50, 768], floats: (0..<(50 * 768)).map { _ in Float.random(in: -1...1, using: &generator) })
        _ = try session.run(["hidden_states": input])
        var times: [Double] = []
        for _ in 0..<runs {
            let runStart = ContinuousClock.now
            _ = try session.run(["hidden_states": input])
            times.append(milliseconds(ContinuousClock.now - runStart))
        }
        times.sort()
        return Result(
            prepacking: prepacking, weights: lendWeights ? "lend" : "external",
            attention: projections == .packed ? "packed" : "separate", threads: threads, layers: layerCount,
            weightBytes: weights.buffers.reduce(0) { $0 + $1.bytes.count },
            residentBeforeBytes: residentBefore, residentAfterCreationBytes: residentAfterCreation,
            residentAfterRunBytes: residentBytes(),
            sessionCreationMilliseconds: milliseconds(creation),
            runMedianMilliseconds: times[times.count / 2], runMinimumMilliseconds: times[0])
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}

/// The median of `runs` timed calls of `work`, in milliseconds, after one untimed call.
func medianMilliseconds(runs: Int, _ work: () throws -> Void) rethrows -> Double {
    try work()
    var times: [Double] = []
    for _ in 0..<max(1, runs) {
        let start = ContinuousClock.now
        try work()
        times.append(milliseconds(ContinuousClock.now - start))
    }
    return times.sorted()[times.count / 2]
}

/// This process's resident set size (`VmRSS` in /proc/self/status), 0 where that is unavailable.
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }
    return 0
}
