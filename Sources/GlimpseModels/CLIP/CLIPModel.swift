import Foundation
import GlimpseImage
import GlimpseRuntime
import GlimpseText

/// CLIP loaded from a model folder in the hub layout: image and text embeddings in one space.
///
/// The two towers are separate sessions over one memory-mapped checkpoint; both run concurrently.
/// A search needs only the text tower: `towers: .text` loads that one (about half the load time).
public final class CLIPModel: Sendable {
    /// Which towers to load.
    public enum Towers: Sendable {
        case both
        /// Text embeddings only; image embeddings throw `CLIPModel.Error.visionTowerNotLoaded`.
        case text
    }

    /// How many images or texts one run of a tower takes when a list is embedded.
    ///
    /// Lists are cut into runs of at most these sizes: a long list never becomes one huge batch (all its
    /// decoded pictures and activations in memory at once), and a short one still runs as one batch.
    /// Texts are grouped longest first, so each run pads little. The defaults come from
    /// `GlimpseBenchmarks clip MODEL --sweep` (BENCHMARKS.md): on 2 cores ViT-B/32 costs about the same
    /// per image from 4 images up, and the text tower per text from 16 texts up.
    public struct Batching: Sendable, Equatable {
        public var images: Int
        public var texts: Int

        public init(images: Int = 8, texts: Int = 64) {
            precondition(images > 0 && texts > 0, "a run holds at least one input")
            self.images = images
            self.texts = texts
        }
    }

    public enum Error: Swift.Error, LocalizedError, Equatable {
        case visionTowerNotLoaded
        public var errorDescription: String? {
            "this CLIP model was loaded for text only (towers: .text): it cannot embed images"
        }
    }

    public let configuration: CLIPConfiguration
    /// The model folder.
    public let directory: URL
    /// `exp(logit_scale)`: the factor that turns cosine similarities into logits (100 for OpenAI's CLIP).
    public let logitScale: Float
    /// The BPE tokenizer of the folder (`vocab.json` + `merges.txt`, or `tokenizer.json`), when it has one.
    public let tokenizer: CLIPTokenizer?
    /// `CLIPImageProcessor`'s steps from `preprocessor_config.json` (its defaults when the folder has none).
    public let preprocessing: ImagePreprocessing
    /// The run sizes of ``embed(images:)``, ``embed(contentsOf:)`` and ``embed(texts:)``.
    public let batching: Batching
    private let vision: InferenceSession?
    private let text: InferenceSession

    /// - Parameter compiledCache: a folder for a compiled copy of the tokenizer's files (read instead of
    ///   parsing them while they are unchanged; see `CLIPTokenizer`); nil parses them.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(), towers: Towers = .both,
                batching: Batching = Batching(), compiledCache: URL? = nil) throws {
        let folder = try ModelDirectory(url: directory)
        self.directory = directory
        self.batching = batching
        configuration = try folder.configuration(CLIPConfiguration.self)
        let checkpoint = try SafeTensorsCheckpoint(directory: directory)
        let scale = try checkpoint.floats("logit_scale")
        guard scale.count == 1 else {
            throw RuntimeError.invalidGraph("checkpoint tensor 'logit_scale' has \(scale.count) values, expected 1")
        }
        logitScale = Foundation.exp(scale[0])
        if let url = folder.preprocessorConfigURL {
            preprocessing = try PreprocessorConfiguration(contentsOf: url).imagePreprocessing()
        } else {
            let size = configuration.visionConfig.imageSize
            preprocessing = ImagePreprocessing(resize: .shortestEdge(size), resample: .bicubic,
                                               centerCrop: PixelSize(width: size, height: size),
                                               mean: ImagePreprocessing.openAIMean, std: ImagePreprocessing.openAIStd)
        }
        let hasTokenizer = (folder.vocabJSONURL != nil && folder.mergesURL != nil) || folder.tokenizerURL != nil
        // The tokenizer's files are parsed while the sessions are built: each takes a good part of the load.
        let maxLength = configuration.textConfig.maxPositionEmbeddings
        let tokenizerLoad = hasTokenizer ? BackgroundWork {
            try CLIPTokenizer(directory: directory, modelMaxLength: maxLength, compiledCache: compiledCache)
        } : nil
        vision = towers == .both
            ? try InferenceSession(runtime: runtime, weights: CLIPVisionGraph(configuration: configuration).build(checkpoint: checkpoint),
                                   options: options)
            : nil
        text = try InferenceSession(runtime: runtime, weights: CLIPTextGraph(configuration: configuration).build(checkpoint: checkpoint), options: options)
        tokenizer = try tokenizerLoad?.value()
    }

    /// L2-normalised image embeddings `[batch, projectionDim]` for preprocessed pixels `[batch, 3, size, size]`,
    /// in one run of the vision tower.
    public func embed(pixelValues: Tensor) throws -> Tensor {
        guard let vision else { throw Error.visionTowerNotLoaded }
        return try output(vision.run(["pixel_values": pixelValues]), "image_embeds")
    }

    /// L2-normalised embeddings `[images, projectionDim]` of decoded pictures of any size, in runs of
    /// at most `batching.images`.
    public func embed(images: [RGBImage]) throws -> Tensor {
        try embedInRuns(count: images.count) { range in Array(images[range]) }
    }

    /// L2-normalised embeddings `[files, projectionDim]` of image files (decoded, upright, preprocessed),
    /// decoded one run of `batching.images` at a time so that a long list never sits in memory whole.
    public func embed(contentsOf urls: [URL]) throws -> Tensor {
        try embedInRuns(count: urls.count) { range in try urls[range].map { try ImageDecoder.decode(contentsOf: $0) } }
    }

    /// L2-normalised text embeddings `[batch, projectionDim]` for token ids `[batch, tokens]`, in one run.
    public func embed(inputIDs: Tensor) throws -> Tensor {
        try output(text.run(["input_ids": inputIDs]), "text_embeds")
    }

    /// L2-normalised embeddings `[texts, projectionDim]` of `texts`, cut to the context length (77), in
    /// runs of at most `batching.texts` grouped by length (the order of the rows is that of `texts`).
    public func embed(texts: [String]) throws -> Tensor {
        guard let tokenizer else {
            throw ModelsError.missingFiles(["vocab.json", "merges.txt"], directory: directory, modelType: "clip")
        }
        var rows = RowsInInputOrder(count: texts.count, width: configuration.projectionDim)
        for batch in LengthSortedBatches(texts, tokenizer: tokenizer, truncation: .modelMaxLength, size: batching.texts).batches {
            let tokens = batch.tokens
            rows.place(try embed(inputIDs: Tensor(shape: tokens.shape, int64s: tokens.flatIds)).floats(), at: batch.indices)
        }
        return try Tensor(shape: [texts.count, configuration.projectionDim], floats: rows.values)
    }

    /// Embeds `count` images in runs of at most `batching.images`; `images(range)` supplies each run's pictures.
    private func embedInRuns(count: Int, _ images: (Range<Int>) throws -> [RGBImage]) throws -> Tensor {
        guard vision != nil else { throw Error.visionTowerNotLoaded }
        var rows = RowsInInputOrder(count: count, width: configuration.projectionDim)
        let preprocessor = ImagePreprocessor(preprocessing)
        for start in stride(from: 0, to: count, by: batching.images) {
            let range = start..<min(start + batching.images, count)
            let pixels = try preprocessor(images(range)).pixelValues
            rows.place(try embed(pixelValues: pixels).floats(), at: Array(range))
        }
        return try Tensor(shape: [count, configuration.projectionDim], floats: rows.values)
    }

    /// The founding document's ranking: softmax over `logitScale · cosine` of one image against `texts`.
    public func zeroShot(imageEmbedding: Tensor, texts: [String]) throws -> [Float] {
        let logits = try logits(imageEmbeddings: imageEmbedding, textEmbeddings: embed(texts: texts))[0]
        let top = logits.max() ?? 0
        let exps = logits.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// `logitScale · image · textᵀ`: `[images, texts]`, as `CLIPModel`'s `logits_per_image`.
    public func logits(imageEmbeddings: Tensor, textEmbeddings: Tensor) throws -> [[Float]] {
        let images = try imageEmbeddings.floats(), texts = try textEmbeddings.floats()
        let width = configuration.projectionDim
        return (0..<(images.count / width)).map { i in
            (0..<(texts.count / width)).map { t in
                var dot: Float = 0
                for k in 0..<width { dot += images[i * width + k] * texts[t * width + k] }
                return logitScale * dot
            }
        }
    }

    private func output(_ outputs: [String: Tensor], _ name: String) throws -> Tensor {
        guard let tensor = outputs[name] else { throw RuntimeError.invalidGraph("the CLIP graph returned no '\(name)'") }
        return tensor
    }
}
