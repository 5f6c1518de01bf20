import Foundation
import GlimpseRuntime

/// BLIP for image captioning (`BlipForConditionalGeneration`) loaded from a model folder in the hub layout:
/// the vision transformer and the text decoder with its key/value cache, as two ONNX Runtime sessions over
/// one memory-mapped checkpoint. The decoder's first pass runs
/// the same graph as every later step, with an empty cache, so its weights are loaded (and pre-packed) once. Sessions run concurrently, so one instance may serve many tasks.
///
/// ``BLIPCaptioner`` drives these passes to generate captions; they are public for parity checks and for
/// callers that decode themselves.
public final class BLIPModel: Sendable {
    public let configuration: BLIPConfiguration
    private let vision: InferenceSession
    private let decoder: InferenceSession

    /// Loads `config.json` and the safetensors weights of `directory`.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions()) throws {
        let folder = try ModelDirectory(url: directory)
        let configuration = try folder.configuration(BLIPConfiguration.self)
        self.configuration = configuration
        let checkpoint = try SafeTensorsCheckpoint(directory: directory)
        let decoder = BLIPTextDecoderGraph(configuration: configuration)
        vision = try InferenceSession(runtime: runtime, weights: BLIPVisionGraph(configuration: configuration).build(checkpoint: checkpoint),
                                      options: options)
        self.decoder = try InferenceSession(runtime: runtime, weights: decoder.buildDecoder(checkpoint: checkpoint),
                                            options: options)
    }

    /// Image embeddings `[batch, 1 + patches, visionHidden]` for preprocessed pixels `[batch, 3, size, size]`.
    ///
    /// The images go through the vision transformer at most `runSize` at a time: each image is
    /// independent there, and larger runs only make the activations (at base size, per image 577 tokens
    /// of attention scores and MLP values, 7 MB for the MLP alone) spill out of the CPU's cache. 16
    /// base-size images on 2 cores: 15.1 s in one run against 13.2 s in runs of 4 and 13.3 in runs of 1
    /// on one machine, 4.89 s in runs of 4 against 4.32 s one by one on another (BENCHMARKS.md).
    public func imageEmbeddings(pixelValues: Tensor, runSize: Int = BLIPModel.visionBatchSize) throws -> Tensor {
        let count = pixelValues.shape.first ?? 0, runSize = max(1, runSize)
        guard count > runSize else { return try output(vision.run(["pixel_values": pixelValues]), "image_embeds") }
        let pixels = try pixelValues.floats(), width = pixelValues.elementCount / count
        var embeddings: [Float] = [], shape: [Int] = []
        for start in stride(from: 0, to: count, by: runSize) {
            let end = min(start + runSize, count)
            let part = try Tensor(shape: [end - start] + pixelValues.shape.dropFirst(), floats: Array(pixels[(start * width)..<(end * width)]))
            let embedded = try output(vision.run(["pixel_values": part]), "image_embeds")
            shape = embedded.shape
            if embeddings.isEmpty { embeddings.reserveCapacity(embedded.elementCount / (end - start) * count) }  // one block for the batch, not a copy per doubling
            embeddings += try embedded.floats()
        }
        return try Tensor(shape: [count] + shape.dropFirst(), floats: embeddings)
    }

    /// The most images one run of the vision transformer takes by default (``imageEmbeddings(pixelValues:runSize:)``).
    public static let visionBatchSize = 1

    /// What the decoder's cross-attention reads for image embeddings `[images, positions, visionHidden]`:
    /// the embeddings themselves and a transposed copy (no projection runs per image; see ``BLIPTextDecoderGraph``).
    public func imageKeys(imageEmbeddings: Tensor) throws -> BLIPImageKeys {
        let width = configuration.textConfig.encoderHiddenSize
        guard imageEmbeddings.shape.count == 3, imageEmbeddings.shape[2] == width else {
            throw RuntimeError.invalidGraph("BLIP image embeddings must be [images, positions, \(width)], got \(imageEmbeddings.shape)")
        }
        return try BLIPImageKeys(embeddings: imageEmbeddings)
    }

    /// One decoder pass.
    ///
    /// - Parameters:
    ///   - inputIDs: new tokens `[rows, tokens]` (int64).
    ///   - attentionMask: `[rows, cached + tokens]` (int64, 1 = attend); all ones when `nil`.
    ///   - cache: the rows' cached keys and values, or `nil` for the first pass.
    ///   - images: what the cross-attention reads of `images.count` images; `rows` is a multiple of it and
    ///     consecutive groups of `rows / images.count` rows belong to one image.
    /// - Returns: `logits` `[rows, tokens, vocab]` and the cache extended by the new tokens.
    public func decode(inputIDs: Tensor, attentionMask: Tensor? = nil, cache: BLIPKeyValueCache?,
                       images: BLIPImageKeys) throws -> (logits: Tensor, cache: BLIPKeyValueCache) {
        guard inputIDs.shape.count == 2 else {
            throw RuntimeError.invalidGraph("BLIP decoder input_ids must be [rows, tokens], got \(inputIDs.shape)")
        }
        let rows = inputIDs.shape[0], total = (cache?.length ?? 0) + inputIDs.shape[1]
        guard images.count > 0, rows % images.count == 0 else {
            throw RuntimeError.invalidGraph("BLIP decoder rows (\(rows)) must be a multiple of the images (\(images.count))")
        }
        guard total <= configuration.textConfig.maxPositionEmbeddings else {
            throw RuntimeError.invalidGraph("BLIP decoder sequences are limited to \(configuration.textConfig.maxPositionEmbeddings) tokens (max_position_embeddings); \(total) were asked for")
        }
        var feeds = images.feeds()
        feeds["input_ids"] = inputIDs
        feeds["attention_mask"] = try attentionMask ?? Tensor(shape: [rows, total], int64s: .init(repeating: 1, count: rows * total))
        let layers = configuration.textConfig.numHiddenLayers
        feeds.merge(try (cache ?? emptyCache(rows: rows, layers: layers)).feeds()) { $1 }
        let outputs = try decoder.run(feeds)
        let present = BLIPKeyValueCache(
            keys: try (0..<layers).map { try output(outputs, BLIPTextDecoderGraph.presentKeyName($0)) },
            values: try (0..<layers).map { try output(outputs, BLIPTextDecoderGraph.presentValueName($0)) })
        return (try output(outputs, "logits"), present)
    }

    /// A cache of no tokens, `[rows, heads, 0, headSize]` per layer.
    private func emptyCache(rows: Int, layers: Int) throws -> BLIPKeyValueCache {
        let text = configuration.textConfig
        let empty = try Tensor(shape: [rows, text.numAttentionHeads, 0, text.headDim], floats: [])
        return BLIPKeyValueCache(keys: Array(repeating: empty, count: layers), values: Array(repeating: empty, count: layers))
    }

    private func output(_ outputs: [String: Tensor], _ name: String) throws -> Tensor {
        guard let tensor = outputs[name] else { throw RuntimeError.invalidGraph("the BLIP graph returned no '\(name)'") }
        return tensor
    }
}
