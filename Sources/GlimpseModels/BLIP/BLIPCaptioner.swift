import Foundation
import GlimpseImage
import GlimpseRuntime
import GlimpseText

/// Image captioning with BLIP (`BlipForConditionalGeneration.generate`), loaded from a model folder in the
/// hub layout (`config.json`, `model.safetensors`; `vocab.txt` for text, `preprocessor_config.json` for
/// pictures).
///
/// ```swift
/// let captioner = try BLIPCaptioner(directory: folder, runtime: .shared())
/// let captions = try captioner.generate(pixelValues: pixels, options: .beamSearch(3))
/// print(captions[0].text ?? "")
/// ```
///
/// A batch of images is captioned together: one vision pass, one cross-attention key/value pass, then
/// decoding with a key/value cache (one decoder step per new token); images whose captions are finished
/// leave the batch. The result for an image does not depend on the other images of its batch.
public final class BLIPCaptioner: Sendable {
    public let model: BLIPModel
    /// The captioning tokenizer (`BertTokenizer.blip`), when the folder has `vocab.txt`.
    public let tokenizer: BertTokenizer?
    /// The model folder.
    public let directory: URL
    /// How pictures become `pixel_values` for ``generate(images:options:)``.
    public let preprocessing: ImagePreprocessing

    public var configuration: BLIPConfiguration { model.configuration }

    /// Loads the model in `directory`; text decoding is available when it holds `vocab.txt`.
    /// `compiledCache`: a folder for a compiled copy of vocab.txt (see `BertTokenizer`); nil parses it.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions(),
                compiledCache: URL? = nil) throws {
        self.directory = directory
        model = try BLIPModel(directory: directory, runtime: runtime, options: options)
        tokenizer = try ModelDirectory(url: directory).vocabTextURL.map {
            try BertTokenizer.blip(vocabularyURL: $0, compiledCache: compiledCache)
        }
        preprocessing = try Self.preprocessing(directory: directory, imageSize: model.configuration.visionConfig.imageSize)
    }

    /// Captions preprocessed images.
    ///
    /// - Parameters:
    ///   - pixelValues: `[images, 3, imageSize, imageSize]` as BLIP's image processor makes them.
    ///   - options: the decoding strategy and limits.
    /// - Returns: one caption per image, in order.
    public func generate(pixelValues: Tensor, options: GenerationOptions = GenerationOptions()) throws -> [Caption] {
        try inChunks(of: pixelValues, options: options) { part in
            try captions(imageEmbeddings: model.imageEmbeddings(pixelValues: part), options: options)
        }
    }

    /// Captions images from their vision embeddings `[images, 1 + patches, visionHidden]`.
    public func generate(imageEmbeddings: Tensor, options: GenerationOptions = GenerationOptions()) throws -> [Caption] {
        try inChunks(of: imageEmbeddings, options: options) { try captions(imageEmbeddings: $0, options: options) }
    }

    /// Runs `body` on consecutive groups of at most `options.maxBatchSize` images of `batch` `[images, …]`.
    private func inChunks(of batch: Tensor, options: GenerationOptions, _ body: (Tensor) throws -> [Caption]) throws -> [Caption] {
        let count = batch.shape.first ?? 0, size = max(1, options.maxBatchSize)
        guard count > size else { return try body(batch) }
        let values = try batch.floats(), width = batch.elementCount / count
        return try stride(from: 0, to: count, by: size).flatMap { start in
            let end = min(start + size, count)
            return try body(Tensor(shape: [end - start] + batch.shape.dropFirst(), floats: Array(values[(start * width)..<(end * width)])))
        }
    }

    /// One batch: greedy or beam search over the images' embeddings, then the texts.
    private func captions(imageEmbeddings: Tensor, options: GenerationOptions) throws -> [Caption] {
        let text = configuration.textConfig
        var prefix = options.prefix
        if let textPrefix = options.textPrefix {
            guard let tokenizer else { throw ModelsError.missingFile("vocab.txt", directory: directory) }
            prefix = tokenizer.tokenIds(textPrefix)
        }
        let prompt = [text.bosTokenID] + prefix
        let lengths = try options.lengths(prompt: prompt, maxPositions: text.maxPositionEmbeddings,
                                          vocabularySize: text.vocabSize, padTokenID: text.padTokenID)
        guard imageEmbeddings.shape.first ?? 0 > 0 else { return [] }
        let keys = try model.imageKeys(imageEmbeddings: imageEmbeddings)
        // BLIP's generate ends captions at [SEP] (not at the config's eos_token_id) and pads with [PAD].
        let processor = BLIPLogitsProcessor(repetitionPenalty: options.repetitionPenalty,
                                            noRepeatNgramSize: options.noRepeatNgramSize,
                                            minLength: lengths.min, endTokenID: text.sepTokenID)
        var captions: [Caption]
        if options.numBeams == 1 {
            captions = try BLIPGreedySearch(model: model, processor: processor, endTokenID: text.sepTokenID, padTokenID: text.padTokenID,
                                            maxLength: lengths.max).run(keys: keys, prompt: prompt)
        } else {
            captions = try BLIPBeamSearch(model: model, processor: processor, endTokenID: text.sepTokenID, padTokenID: text.padTokenID,
                                          maxLength: lengths.max, numBeams: options.numBeams,
                                          lengthPenalty: options.lengthPenalty, earlyStopping: options.earlyStopping)
                .run(keys: keys, prompt: prompt)
        }
        if let tokenizer {
            for index in captions.indices {
                captions[index].text = tokenizer.decode(captions[index].tokenIDs, skipSpecialTokens: true)
            }
        }
        return captions
    }

    /// The captions' texts (special tokens skipped), as `BlipProcessor.decode(…, skip_special_tokens=True)`.
    ///
    /// Throws when the model folder has no `vocab.txt`.
    public func caption(pixelValues: Tensor, options: GenerationOptions = GenerationOptions()) throws -> [String] {
        guard tokenizer != nil else { throw ModelsError.missingFile("vocab.txt", directory: directory) }
        return try generate(pixelValues: pixelValues, options: options).map { $0.text ?? "" }
    }
}

extension BLIPCaptioner {
    /// Captions decoded pictures: `BlipImageProcessor` (as ``preprocessing`` describes it) then
    /// ``generate(pixelValues:options:)``. The pictures may have any sizes; all are resized to the model's.
    public func generate(images: [RGBImage], options: GenerationOptions = GenerationOptions()) throws -> [Caption] {
        guard !images.isEmpty else { return [] }
        return try generate(pixelValues: ImagePreprocessor(preprocessing)(images).pixelValues, options: options)
    }

    /// `BlipImageProcessor`'s steps from `preprocessor_config.json` in `directory`, or its defaults at the
    /// model's image size when the folder has none: exact resize (bicubic), rescale by 1/255, CLIP normalisation.
    static func preprocessing(directory: URL, imageSize: Int) throws -> ImagePreprocessing {
        guard let url = try ModelDirectory(url: directory).preprocessorConfigURL else {
            return ImagePreprocessing(resize: .exact(PixelSize(width: imageSize, height: imageSize)), resample: .bicubic,
                                      mean: ImagePreprocessing.openAIMean, std: ImagePreprocessing.openAIStd)
        }
        let file = try PreprocessorConfiguration(contentsOf: url)
        var resize = ImagePreprocessing.Resize.none
        if file.doResize {
            guard let size = ImagePreprocessing.Resize(huggingFaceSize: file.size.dictionary) else {
                throw ModelsError.invalidConfiguration(file: "preprocessor_config.json", field: "size",
                                                       reason: "\(file.size.dictionary) is not a size BLIP's image processor uses")
            }
            resize = size
        }
        guard let resample = ResamplingFilter(rawValue: file.resample.rawValue) else {
            throw ModelsError.invalidConfiguration(file: "preprocessor_config.json", field: "resample",
                                                   reason: "filter \(file.resample.rawValue) is not supported for resizing")
        }
        return ImagePreprocessing(
            resize: resize, resample: resample,
            rescaleFactor: file.doRescale ? file.rescaleFactor : nil,
            mean: file.doNormalize ? file.imageMean.map { Float($0) } : nil,
            std: file.doNormalize ? file.imageStd.map { Float($0) } : nil)
    }
}
