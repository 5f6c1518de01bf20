import Foundation
import GlimpseModels
import GlimpseRuntime

/// SAM on its own, the work the peers time (`Benchmarks/peers/sam_peer.py`, `../shared/peers`):
///
/// - the image encoder on one random `[1, 3, 1024, 1024]` input (`SamModel.get_image_embeddings`);
/// - the prompt encoder and mask decoder for 64 single-point prompts (label 1) against that embedding,
///   three masks each, low-resolution logits out (`SamModel(image_embeddings=…, input_points=[1, 64, 1, 2],
///   multimask_output=True)`);
/// - automatic mask generation from that embedding (32 × 32 grid, batches of 64, default filters), twice:
///   the first run in the fresh sessions (ONNX Runtime's memory for the generation grows and is faulted
///   in) and a warm run, as every photo after the first of an index run meets it.
///
///     GlimpseBenchmarks sam MODEL_DIR [--threads N] [--runs N] [--encoder-runs N] [--generate on|off]
///                           [--memory fastest|low] [--dump DIR]
///
/// With `--encoder-runs 0` the encoder's time is its warm-up run; `--generate off` skips the generation;
/// `--memory low` runs SAM in its smaller pieces (``SAMMemoryUse/low``), as `glimpse describe --low-memory` does.
/// `--dump DIR` also writes the graphs (`sam_vision.onnx`, `sam_mask_decoder.onnx`, and `sam_mask_tokens.onnx`,
/// the decoder's transformer part that mask generation runs; weights as external
/// data pointing at `model.safetensors`, hard-linked or copied into DIR) for profiling them outside Swift.
struct SAMBenchmark {
    struct Result: Encodable {
        var threads: Int
        var prompts: Int
        var sessionCreationMilliseconds: Double
        var encoderRuns: Int
        var encoderMedianMilliseconds: Double
        var encoderMinimumMilliseconds: Double
        var decoderRuns: Int
        var decoderMedianMilliseconds: Double
        var decoderMinimumMilliseconds: Double
        /// The warm run.
        var generateFromEmbeddingMilliseconds: Double
        var generateFromEmbeddingFirstMilliseconds: Double
        var generatedMasks: Int
        var residentAfterRunsBytes: Int
    }

    var modelDirectory: URL
    var threads: Int
    var runs: Int
    var encoderRuns: Int
    var generate = true
    /// Keep the generator's IoU and stability filters. Off, every mask of every prompt is measured at
    /// full resolution (what random weights' noisy logits cost at most; real SAM's IoU filter drops most).
    var filters = true
    var pointsPerSide = 32
    var memory = SAMMemoryUse.fastest
    var dump: URL?
    var prompts = 64

    func run() throws -> Result {
        let runtime = try OnnxRuntime.shared()
        if let dump { try dumpGraphs(to: dump) }
        let start = ContinuousClock.now
        let model = try SAMModel(directory: modelDirectory, runtime: runtime, options: SessionOptions(intraOpThreads: threads),
                                 memory: memory)
        let creation = milliseconds(ContinuousClock.now - start)

        var generator = SplitMix(seed: 7)
        let size = model.inputSize
        let pixels = try Tensor(shape: [1, 3, size, size], floats: (0..<(3 * size * size)).map { _ in generator.normal() })
        let warmStart = ContinuousClock.now
        var embedding = try model.imageEmbedding(pixelValues: pixels)  // warm-up
        var encoderTimes: [Double] = encoderRuns == 0 ? [milliseconds(ContinuousClock.now - warmStart)] : []
        for _ in 0..<encoderRuns {
            let runStart = ContinuousClock.now
            embedding = try model.imageEmbedding(pixelValues: pixels)
            encoderTimes.append(milliseconds(ContinuousClock.now - runStart))
        }

        let points = (0..<prompts).map { _ in [SAMPoint(x: generator.uniform() * Float(size), y: generator.uniform() * Float(size))] }
        _ = try model.masks(for: embedding, points: points, multimask: true)  // warm-up
        var decoderTimes: [Double] = []
        for _ in 0..<runs {
            let runStart = ContinuousClock.now
            let result = try model.masks(for: embedding, points: points, multimask: true)
            decoderTimes.append(milliseconds(ContinuousClock.now - runStart))
            precondition(result.logits.shape == [prompts, 3, 4 * size / 16, 4 * size / 16])
        }

        let geometry = SAMImageGeometry(originalHeight: size, originalWidth: size, inputSize: size)
        var options = SAMMaskGenerationOptions()
        options.pointsPerSide = pointsPerSide
        if !filters {
            options.predictedIoUThreshold = 0
            options.stabilityScoreThreshold = 0
        }
        var generated: [SAMGeneratedMask] = []
        var generateTimes: [Double] = [0, 0]
        for index in generateTimes.indices where generate {
            let runStart = ContinuousClock.now
            generated = try model.generateMasks(embedding: embedding, geometry: geometry, options: options)
            generateTimes[index] = milliseconds(ContinuousClock.now - runStart)
        }

        encoderTimes.sort()
        decoderTimes.sort()
        return Result(threads: threads, prompts: prompts, sessionCreationMilliseconds: creation,
                      encoderRuns: encoderRuns, encoderMedianMilliseconds: encoderTimes[encoderTimes.count / 2],
                      encoderMinimumMilliseconds: encoderTimes[0],
                      decoderRuns: runs, decoderMedianMilliseconds: decoderTimes[decoderTimes.count / 2],
                      decoderMinimumMilliseconds: decoderTimes[0],
                      generateFromEmbeddingMilliseconds: generateTimes[1], generateFromEmbeddingFirstMilliseconds: generateTimes[0],
                      generatedMasks: generated.count,
                      residentAfterRunsBytes: residentBytes())
    }

    /// Writes both graphs with external-data weights next to a link to the checkpoint.
    private func dumpGraphs(to folder: URL) throws {
        try placeWeights(of: modelDirectory, in: folder)
        let configuration = try ModelDirectory(url: modelDirectory).configuration(SAMConfiguration.self)
        let checkpoint = try SafeTensorsCheckpoint(directory: modelDirectory)
        let vision = try SAMVisionGraph(configuration: configuration, globalAttentionChunks: memory.globalAttentionChunks)
            .build(checkpoint: checkpoint)
        try Data(vision.graph.model().serializedBytes()).write(to: folder.appending(path: "sam_vision.onnx"))
        let decoder = try SAMMaskDecoderGraph(configuration: configuration).build(checkpoint: checkpoint)
        try Data(decoder.graph.model().serializedBytes()).write(to: folder.appending(path: "sam_mask_decoder.onnx"))
        let tokens = try SAMMaskDecoderGraph(configuration: configuration).build(checkpoint: checkpoint, part: .tokens)
        try Data(tokens.graph.model().serializedBytes()).write(to: folder.appending(path: "sam_mask_tokens.onnx"))
    }
}

/// A small deterministic generator (SplitMix64), so every run times the same inputs.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Float {
        let u = max(uniform(), 1e-7), v = uniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Float.pi * v)
    }
}
