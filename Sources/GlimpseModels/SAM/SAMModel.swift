import Foundation
import GlimpseRuntime

/// Masks and scores that SAM predicted for a batch of prompts on one image.
public struct SAMMasks: Sendable {
    /// Low-resolution mask logits `[prompts, masks, 4·grid, 4·grid]` (256² for the released checkpoints),
    /// in the padded input frame at a quarter of its resolution; positive means inside.
    public let logits: Tensor
    /// Predicted IoU `[prompts, masks]`.
    public let iouScores: Tensor

    /// Masks per prompt (3 with multimask output, else 1).
    public var masksPerPrompt: Int { logits.shape[1] }
    /// The side of each low-resolution mask.
    public var side: Int { logits.shape[3] }
}

/// SAM (Segment Anything) loaded from a model folder in the hub layout (`SamModel` checkpoints:
/// facebook/sam-vit-base, -large, -huge, SlimSAM).
///
/// The image encoder runs once per image (``imageEmbedding(pixelValues:)``); the prompt encoder and
/// mask decoder then run for any number of prompts against that embedding (``masks(for:prompts:multimask:)``).
/// The graphs are separate sessions over one memory-mapped checkpoint; mask generation runs the decoder
/// as two (``SAMMaskDecoderGraph/Part/tokens`` and the upscaling) to skip prompts without a good mask.
public final class SAMModel: Sendable {
    public let configuration: SAMConfiguration
    /// The sizes of the pieces of work the model runs in.
    public let memory: SAMMemoryUse
    private let encoder: InferenceSession
    private let decoder: InferenceSession
    private let tokenDecoder: InferenceSession
    private let upscaler: InferenceSession

    /// Memory patterns are off in SAM's sessions: the decoders see a different number of prompts in
    /// most runs, and a planned block per shape made the first runs of a process fault in gigabytes of
    /// fresh memory (see BENCHMARKS.md). So is weight prepacking, whatever `options` say: SAM's linear
    /// layers see thousands of rows at a time, where packing the weights once gains nothing (encoder and
    /// mask generation as fast either way), and it cost 0.15–0.8 s of loading and a 350 MB packed copy
    /// of the weights (BENCHMARKS.md, 2026-12-05).
    ///
    /// - Parameter memory: the sizes of the pieces of work (``SAMMemoryUse``); the masks are the same, their
    ///   scores up to rounding.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(),
                memory: SAMMemoryUse = .fastest) throws {
        var options = options
        options.memoryPattern = false
        options.prepacking = false
        self.memory = memory
        let folder = try ModelDirectory(url: directory)
        configuration = try folder.configuration(SAMConfiguration.self)
        let checkpoint = try SafeTensorsCheckpoint(directory: directory)
        let vision = SAMVisionGraph(configuration: configuration, globalAttentionChunks: memory.globalAttentionChunks)
        encoder = try InferenceSession(runtime: runtime, weights: vision.build(checkpoint: checkpoint), options: options)
        let graphs = SAMMaskDecoderGraph(configuration: configuration)
        decoder = try InferenceSession(runtime: runtime, weights: graphs.build(checkpoint: checkpoint), options: options)
        tokenDecoder = try InferenceSession(runtime: runtime, weights: graphs.build(checkpoint: checkpoint, part: .tokens),
                                            options: options)
        upscaler = try InferenceSession(runtime: runtime, weights: graphs.buildUpscaling(checkpoint: checkpoint), options: options)
    }

    /// The most prompts one run of the upscaling takes: its activations are tens of megabytes per
    /// prompt at full size (`[prompts, 32, 256, 256]` alone is 8 MB each).
    static let upscalingRunSize = 16

    /// Side of the model's square input (`vision_config.image_size`, 1024).
    public var inputSize: Int { configuration.visionConfig.imageSize }

    /// Image embeddings `[batch, hidden, grid, grid]` for preprocessed pixels `[batch, 3, inputSize, inputSize]`
    /// (resized so the longest side is `inputSize`, normalised, padded at the bottom and right).
    public func imageEmbedding(pixelValues: Tensor) throws -> Tensor {
        try output(encoder.run(["pixel_values": pixelValues]), "image_embeddings")
    }

    /// Masks for `prompts` on one image.
    ///
    /// - Parameters:
    ///   - embedding: one image's embedding `[1, hidden, grid, grid]` from ``imageEmbedding(pixelValues:)``.
    ///   - prompts: the prompts; either all have a box or none (see ``SAMPrompt``).
    ///   - multimask: three masks per prompt (SAM's choice for ambiguous single points) or one.
    public func masks(for embedding: Tensor, prompts: [SAMPrompt], multimask: Bool = true) throws -> SAMMasks {
        guard embedding.shape.first == 1 else { throw SAMError.badTensor("image_embeddings", embedding.shape) }
        let (points, labels) = try SAMPrompt.tensors(for: prompts)
        let (logits, scores) = try decode(imageEmbeddings: embedding, inputPoints: points, inputLabels: labels, multimask: multimask)
        return SAMMasks(logits: try drop(logits, leading: 1), iouScores: try drop(scores, leading: 1))
    }

    /// Masks for point prompts: one prompt per list of points.
    public func masks(for embedding: Tensor, points: [[SAMPoint]], multimask: Bool = true) throws -> SAMMasks {
        try masks(for: embedding, prompts: points.map { SAMPrompt(points: $0) }, multimask: multimask)
    }

    /// Masks for box prompts: one prompt per box.
    public func masks(for embedding: Tensor, boxes: [SAMBox], multimask: Bool = false) throws -> SAMMasks {
        try masks(for: embedding, prompts: boxes.map { SAMPrompt(box: $0) }, multimask: multimask)
    }

    /// The decoder graph on tensors shaped as transformers' `SamModel` takes them, for a batch of images.
    ///
    /// - Parameters:
    ///   - imageEmbeddings: `[batch, hidden, grid, grid]`.
    ///   - inputPoints: `[batch, prompts, slots, 2]`, `inputLabels` `[batch, prompts, slots]`, with boxes as
    ///     labelled corners and padding as ``SAMPrompt/decoderInputs(points:labels:boxes:)`` makes them.
    /// - Returns: mask logits `[batch, prompts, masks, 4·grid, 4·grid]` and IoU scores `[batch, prompts, masks]`.
    public func decode(imageEmbeddings: Tensor, inputPoints: Tensor, inputLabels: Tensor, multimask: Bool) throws -> (masks: Tensor, iouScores: Tensor) {
        let outputs = try decoder.runKeeping(
            ["image_embeddings": imageEmbeddings, "input_points": inputPoints, "input_labels": inputLabels],
            outputs: ["block_masks", "iou_scores_all"])
        let block = try output(outputs, "block_masks"), scores = try output(outputs, "iou_scores_all").tensor()
        guard block.shape.count == 4 else { throw SAMError.badTensor("block_masks", block.shape) }
        let (batch, prompts, tokens) = (block.shape[0], block.shape[1], block.shape[3])
        let grid = configuration.promptEncoderConfig.imageEmbeddingSize
        // Token 0 is the single-mask output; the others are the multimask outputs.
        let picked = multimask ? 1..<tokens : 0..<1
        let masks = try block.withFloats {
            SAMMaskLayout.imageOrder($0, count: batch * prompts, grid: grid, tokens: tokens, picking: picked)
        }
        let picks = SAMMaskLayout.pick(try scores.floats(), count: batch * prompts, tokens: tokens, picking: picked)
        return (try Tensor(shape: [batch, prompts, picked.count, 4 * grid, 4 * grid], floats: masks),
                try Tensor(shape: [batch, prompts, picked.count], floats: picks))
    }

    /// The three masks of single-point prompts, upscaled only for the prompts that have a mask whose
    /// predicted IoU is above `iouThreshold` (every prompt when it is 0 or less): the others would be
    /// dropped unseen by mask generation, and the upscaling is about half of the decoder's work.
    ///
    /// The two-way transformer runs on at most `runSize` prompts at a time (by default
    /// ``SAMMemoryUse/tokensRunSize`` of ``memory``), the upscaling on at most ``upscalingRunSize``. The
    /// transformed image cells of every prompt (4 MB each with ViT-B) pass from one session to the other
    /// without leaving ONNX Runtime's memory.
    ///
    /// - Returns: the masks and scores of those prompts, in order, and their indices in `points`.
    func multimaskPassing(iouThreshold: Float, for embedding: Tensor, points: [SAMPoint],
                          runSize: Int? = nil) throws -> (masks: SAMMasks, prompts: [Int]) {
        guard embedding.shape.first == 1 else { throw SAMError.badTensor("image_embeddings", embedding.shape) }
        let runSize = max(1, runSize ?? memory.tokensRunSize)
        let grid = configuration.promptEncoderConfig.imageEmbeddingSize, side = 4 * grid
        var logits: [Float] = [], scores: [Float] = [], prompts: [Int] = [], masksPerPrompt = 3
        for start in stride(from: 0, to: points.count, by: runSize) {
            let run = try passingMasks(iouThreshold: iouThreshold, for: embedding,
                                       points: Array(points[start..<min(start + runSize, points.count)]))
            logits += run.logits
            scores += run.scores
            prompts += run.prompts.map { start + $0 }
            masksPerPrompt = run.masksPerPrompt
        }
        let masks = SAMMasks(logits: try Tensor(shape: [prompts.count, masksPerPrompt, side, side], floats: logits),
                             iouScores: try Tensor(shape: [prompts.count, masksPerPrompt], floats: scores))
        return (masks, prompts)
    }

    /// ``multimaskPassing(iouThreshold:for:points:runSize:)`` for one run of the two-way transformer:
    /// flat logits and scores of the passing prompts, and their indices in `points`.
    private func passingMasks(iouThreshold: Float, for embedding: Tensor, points: [SAMPoint])
        throws -> (logits: [Float], scores: [Float], prompts: [Int], masksPerPrompt: Int) {
        let (inputPoints, labels) = try SAMPrompt.tensors(for: points.map { SAMPrompt(points: [$0]) })
        let outputs = try tokenDecoder.runKeeping(["image_embeddings": embedding, "input_points": inputPoints, "input_labels": labels],
                                                  outputs: ["iou_scores_all", "image_state", "hyper_weights"])
        let scores = try output(outputs, "iou_scores_all").tensor()
        guard scores.shape.count == 3, scores.shape[1] == points.count else { throw SAMError.badTensor("iou_scores_all", scores.shape) }
        let tokens = scores.shape[2], all = try scores.floats(), picked = 1..<tokens
        let passing = (0..<points.count).filter { prompt in
            iouThreshold <= 0 || picked.contains { all[prompt * tokens + $0] > iouThreshold }
        }
        let grid = configuration.promptEncoderConfig.imageEmbeddingSize
        var logits: [Float] = []
        logits.reserveCapacity(passing.count * picked.count * 16 * grid * grid)
        for start in stride(from: 0, to: passing.count, by: Self.upscalingRunSize) {
            let run = Array(passing[start..<min(start + Self.upscalingRunSize, passing.count)])
            let block = try output(upscaler.runKeeping(["prompts": Tensor(shape: [run.count], int64s: run.map(Int64.init))],
                                                       values: ["image_state": output(outputs, "image_state"),
                                                                "hyper_weights": output(outputs, "hyper_weights")],
                                                       outputs: ["block_masks"]), "block_masks")
            logits += try block.withFloats { SAMMaskLayout.imageOrder($0, count: run.count, grid: grid, tokens: tokens, picking: picked) }
        }
        return (logits, passing.flatMap { prompt in picked.map { all[prompt * tokens + $0] } }, passing, picked.count)
    }

    /// The sparse prompt embeddings `[batch, prompts, slots, hidden]` the decoder graph computes (for checks).
    func sparseEmbeddings(imageEmbeddings: Tensor, inputPoints: Tensor, inputLabels: Tensor) throws -> Tensor {
        let name = "sparse_prompt_embeddings"
        return try output(decoder.run(["image_embeddings": imageEmbeddings, "input_points": inputPoints, "input_labels": inputLabels],
                                      outputs: [name]), name)
    }

    private func output<Value>(_ outputs: [String: Value], _ name: String) throws -> Value {
        guard let tensor = outputs[name] else { throw SAMError.missingOutput(name) }
        return tensor
    }

    /// Drops the leading batch dimension of size 1.
    private func drop(_ tensor: Tensor, leading: Int) throws -> Tensor {
        try Tensor(shape: Array(tensor.shape.dropFirst()), storage: tensor.storage)
    }
}
