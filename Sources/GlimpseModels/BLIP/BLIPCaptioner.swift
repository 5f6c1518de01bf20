import Foundation
import GlimpseRuntime
import GlimpseText

/// Image captioning with BLIP (`BlipForConditionalGeneration.generate`), loaded from a model folder in the
/// hub layout (`config.json`, `model.safetensors`, and `vocab.txt` for text).
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

    public var configuration: BLIPConfiguration { model.configuration }

    /// Loads the model in `directory`; text decoding is available when it holds `vocab.txt`.
    public init(directory: URL, runtime: OnnxRuntime, options: SessionOptions = SessionOptions()) throws {
        self.directory = directory
        model = try BLIPModel(directory: directory, runtime: runtime, options: options)
        tokenizer = try ModelDirectory(url: directory).vocabTextURL.map { try BertTokenizer.blip(vocabularyURL: $0) }
    }

    /// Captions preprocessed images.
    ///
    /// - Parameters:
    ///   - pixelValues: `[images, 3, imageSize, imageSize]` as BLIP's image processor makes them.
    ///   - options: the decoding strategy and limits.
    /// - Returns: one caption per image, in order.
    public func generate(pixelValues: Tensor, options: GenerationOptions = GenerationOptions()) throws -> [Caption] {
        try generate(imageEmbeddings: model.imageEmbeddings(pixelValues: pixelValues), options: options)
    }

    /// Captions images from their vision embeddings `[images, 1 + patches, visionHidden]`.
    public func generate(imageEmbeddings: Tensor, options: GenerationOptions = GenerationOptions()) throws -> [Caption] {
        let text = configuration.textConfig
        let prompt = [text.bosTokenID] + options.prefix
        let lengths = try options.lengths(promptLength: prompt.count, maxPositions: text.maxPositionEmbeddings,
                                          vocabularySize: text.vocabSize)
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
