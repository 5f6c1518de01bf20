import Foundation
import GlimpseModels
import GlimpseRuntime

/// Where the time of greedy captioning of a batch goes: the vision transformer, what the cross-attention
/// reads of the images (`BLIPModel.imageKeys`), the prompt, and each decoding step, for `images` random
/// base-size images (20 steps, every row decoding to the end, argmax tokens). Everything runs twice and the
/// second pass is reported, so no phase pays for a session's first run. `--dump DIR` also writes the
/// decoder graph (weights as external data pointing at `model.safetensors`, hard-linked or copied into
/// DIR) for profiling it outside Swift.
///
///     GlimpseBenchmarks blip MODEL_DIR --phases [--images N] [--threads N] [--dump DIR]
struct BLIPPhases {
    struct Result: Encodable {
        var threads: Int
        var images: Int
        var visionMilliseconds: Double
        var imageKeysMilliseconds: Double
        var promptMilliseconds: Double
        /// Milliseconds of each of the 20 steps after the prompt.
        var stepMilliseconds: [Double]
    }

    var modelDirectory: URL
    var threads: Int
    var images: Int

    func run() throws -> Result {
        let model = try BLIPModel(directory: modelDirectory, runtime: .shared(), options: SessionOptions(intraOpThreads: threads))
        let size = model.configuration.visionConfig.imageSize
        var generator = SystemRandomNumberGenerator()
        let pixels = try Tensor(shape: [images, 3, size, size],
                                floats: (0..<(images * 3 * size * size)).map { _ in Float.random(in: -2...2, using: &generator) })
        func timed<T>(_ work: () throws -> T) rethrows -> (T, Double) {
            let start = ContinuousClock.now
            let result = try work()
            return (result, milliseconds(ContinuousClock.now - start))
        }
        var result = Result(threads: threads, images: images, visionMilliseconds: 0, imageKeysMilliseconds: 0,
                            promptMilliseconds: 0, stepMilliseconds: [])
        for _ in 0..<2 {  // the first pass warms every session up
            let (embeddings, vision) = try timed { try model.imageEmbeddings(pixelValues: pixels) }
            let (keys, keyTime) = try timed { try model.imageKeys(imageEmbeddings: embeddings) }
            let prompt = [model.configuration.textConfig.bosTokenID, 1037, 3861, 1997]  // [DEC] a picture of
            let ids = try Tensor(shape: [images, prompt.count], int64s: Array(repeating: prompt.map(Int64.init), count: images).flatMap { $0 })
            var ((logits, cache), promptTime) = try timed { try model.decode(inputIDs: ids, cache: nil, images: keys) }
            var steps: [Double] = []
            for _ in 0..<20 {
                let next = try Self.argmaxOfLastPosition(logits)
                let (output, time) = try timed { try model.decode(inputIDs: Tensor(shape: [images, 1], int64s: next), cache: cache, images: keys) }
                (logits, cache) = output
                steps.append(time)
            }
            result = Result(threads: threads, images: images, visionMilliseconds: vision, imageKeysMilliseconds: keyTime,
                            promptMilliseconds: promptTime, stepMilliseconds: steps)
        }
        return result
    }

    /// Each row's most likely next token: `[rows, tokens, vocab]` → `[rows]`.
    private static func argmaxOfLastPosition(_ logits: Tensor) throws -> [Int64] {
        let tokens = logits.shape[1], vocabulary = logits.shape[2], values = try logits.floats()
        return (0..<logits.shape[0]).map { row in
            let start = (row * tokens + tokens - 1) * vocabulary
            return Int64(values[start..<(start + vocabulary)].indices.max { values[$0] < values[$1] }! - start)
        }
    }
}

extension BLIPPhases {
    /// Writes `vision.onnx` and `decoder.onnx` into `folder`, next to a link to (or copy of) the weights.
    static func dump(_ modelDirectory: URL, to folder: URL) throws {
        try placeWeights(of: modelDirectory, in: folder)
        let configuration = try ModelDirectory(url: modelDirectory).configuration(BLIPConfiguration.self)
        let checkpoint = try SafeTensorsCheckpoint(directory: modelDirectory)
        let vision = BLIPVisionGraph(configuration: configuration)
        try Data(vision.build(checkpoint: checkpoint).graph.model().serializedBytes()).write(to: folder.appending(path: "vision.onnx"))
        let graph = BLIPTextDecoderGraph(configuration: configuration)
        try Data(graph.buildDecoder(checkpoint: checkpoint).graph.model().serializedBytes()).write(to: folder.appending(path: "decoder.onnx"))
    }
}

/// Puts the weights of `modelDirectory` into `folder` for graphs dumped there, as a hard link (a copy
/// across file systems): ONNX Runtime refuses external data reached through a symbolic link that leaves
/// the model's folder.
func placeWeights(of modelDirectory: URL, in folder: URL) throws {
    let files = FileManager.default
    try files.createDirectory(at: folder, withIntermediateDirectories: true)
    let weights = folder.appending(path: "model.safetensors")
    guard !files.fileExists(atPath: weights.path) else { return }
    let source = modelDirectory.appending(path: "model.safetensors").resolvingSymlinksInPath()
    do { try files.linkItem(at: source, to: weights) } catch { try files.copyItem(at: source, to: weights) }
}
