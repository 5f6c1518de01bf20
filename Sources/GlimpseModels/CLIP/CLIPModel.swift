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
    private let vision: InferenceSession?
    private let text: InferenceSession

    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(), towers: Towers = .both) throws {
        let folder = try ModelDirectory(url: directory)
        self.directory = directory
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
        tokenizer = hasTokenizer ? try CLIPTokenizer(directory: directory, modelMaxLength: configuration.textConfig.maxPositionEmbeddings) : nil
        vision = towers == .both
            ? try InferenceSession(runtime: runtime, weights: CLIPVisionGraph(configuration: configuration).build(checkpoint: checkpoint),
                                   options: options)
            : nil
        text = try InferenceSession(runtime: runtime, weights: CLIPTextGraph(configuration: configuration).build(checkpoint: checkpoint), options: options)
    }

    /// L2-normalised image embeddings `[batch, projectionDim]` for preprocessed pixels `[batch, 3, size, size]`.
    public func embed(pixelValues: Tensor) throws -> Tensor {
        guard let vision else { throw Error.visionTowerNotLoaded }
        return try output(vision.run(["pixel_values": pixelValues]), "image_embeds")
    }

    /// L2-normalised embeddings `[images, projectionDim]` of decoded pictures of any size.
    public func embed(images: [RGBImage]) throws -> Tensor {
        try embed(pixelValues: ImagePreprocessor(preprocessing)(images).pixelValues)
    }

    /// L2-normalised embeddings `[files, projectionDim]` of image files (decoded, upright, preprocessed).
    public func embed(contentsOf urls: [URL]) throws -> Tensor {
        try embed(images: urls.map { try ImageDecoder.decode(contentsOf: $0) })
    }

    /// L2-normalised text embeddings `[batch, projectionDim]` for token ids `[batch, tokens]`.
    public func embed(inputIDs: Tensor) throws -> Tensor {
        try output(text.run(["input_ids": inputIDs]), "text_embeds")
    }

    /// L2-normalised embeddings `[texts, projectionDim]` of `texts`, cut to the context length (77).
    public func embed(texts: [String]) throws -> Tensor {
        guard let tokenizer else {
            throw ModelsError.missingFiles(["vocab.json", "merges.txt"], directory: directory, modelType: "clip")
        }
        let batch = tokenizer.encodeBatch(texts, truncation: .modelMaxLength, padding: .longest)
        return try embed(inputIDs: Tensor(shape: batch.shape, int64s: batch.flatIds))
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
