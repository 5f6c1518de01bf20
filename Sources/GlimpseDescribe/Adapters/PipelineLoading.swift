import Foundation
import GlimpseModels
import GlimpseRuntime
import GlimpseText

/// The four model folders of the describe pipeline (hub layout: config.json, model.safetensors, …).
public struct DescribeModelFolders: Sendable, Hashable {
    /// BLIP image captioning (Salesforce/blip-image-captioning-base by default).
    public var captioner: URL
    /// SAM (facebook/sam-vit-base); nil loads a pipeline for quick mode only.
    public var segmenter: URL?
    /// CLIP (openai/clip-vit-base-patch32); needs its tokenizer (vocab.json + merges.txt or tokenizer.json).
    public var imageTextEmbedder: URL
    /// Sentence embeddings (sentence-transformers/all-MiniLM-L6-v2); needs vocab.txt.
    public var sentenceEmbedder: URL

    public init(captioner: URL, segmenter: URL?, imageTextEmbedder: URL, sentenceEmbedder: URL) {
        self.captioner = captioner
        self.segmenter = segmenter
        self.imageTextEmbedder = imageTextEmbedder
        self.sentenceEmbedder = sentenceEmbedder
    }
}

extension DescribeModelFolders {
    /// Throws ``DescribeError/missingTokenizer(role:folder:files:)`` for a folder that lacks the tokenizer
    /// files the pipeline reads, before any model is loaded: otherwise every image would fail with the
    /// same error, one by one (BLIP's `vocab.txt`; CLIP's BPE files in full mode, which ranks texts).
    func checkTokenizers() throws {
        guard try ModelDirectory(url: captioner).vocabTextURL != nil else {
            throw DescribeError.missingTokenizer(role: "captioner", folder: captioner.path, files: ["vocab.txt"])
        }
        let clip = try ModelDirectory(url: imageTextEmbedder)
        if segmenter != nil, !((clip.vocabJSONURL != nil && clip.mergesURL != nil) || clip.tokenizerURL != nil) {
            throw DescribeError.missingTokenizer(role: "image-text embedder", folder: imageTextEmbedder.path,
                                                 files: ["vocab.json", "merges.txt"])
        }
    }
}

extension SessionOptions {
    /// The same settings with weight prepacking off.
    fileprivate var withoutPrepacking: SessionOptions {
        var options = self
        options.prepacking = false
        return options
    }
}

extension DescribePipeline {
    /// Loads the four models from `folders` on `runtime` and stamps them with their identities.
    /// A folder without the tokenizer files a mode needs is refused first, before any model loads.
    ///
    /// - Parameters:
    ///   - session: ONNX Runtime settings for every model's sessions.
    ///   - generation: BLIP decoding settings (the beams come from `options`).
    ///   - segmentation: SAM's automatic mask generation settings.
    ///   - lowMemory: no model's weights are prepacked (`session.prepacking` off; the weights stay file
    ///     pages the system can drop) and SAM works in its smaller pieces (``SAMMemoryUse/low``): faster
    ///     loads, runs about 8 % slower, and a full description of a 12 MP photo needs 0.67 instead of 2.31 GB
    ///     of memory besides the weights' file pages (BENCHMARKS.md, 2026-12-05). Descriptions are the same,
    ///     their embeddings up to rounding.
    ///   - compiledCache: a folder for compiled copies of the tokenizers' files (faster loads); nil parses them.
    public static func load(
        folders: DescribeModelFolders, runtime: OnnxRuntime, keywords: any KeywordExtracting,
        options: DescribeOptions = DescribeOptions(), session: SessionOptions = SessionOptions(),
        generation: BLIPCaptioner.GenerationOptions = BLIPCaptioner.GenerationOptions(),
        segmentation: SAMMaskGenerationOptions = SAMMaskGenerationOptions(), lowMemory: Bool = false,
        compiledCache: URL? = nil
    ) throws -> DescribePipeline {
        try options.validate()
        try folders.checkTokenizers()
        let session = lowMemory ? session.withoutPrepacking : session
        // The models load side by side; a failure is reported in this order all the same.
        let blipLoad = BackgroundWork {
            try BLIPCaptioner(directory: folders.captioner, runtime: runtime, options: session, compiledCache: compiledCache)
        }
        let clipLoad = BackgroundWork {
            try CLIPModel(directory: folders.imageTextEmbedder, runtime: runtime, options: session, compiledCache: compiledCache)
        }
        let minilmLoad = BackgroundWork {
            try SentenceEmbedder(directory: folders.sentenceEmbedder, runtime: runtime, options: session, compiledCache: compiledCache)
        }
        let samLoad = folders.segmenter.map { folder in
            BackgroundWork { try SAMSegmenter(directory: folder, runtime: runtime, options: session, memory: lowMemory ? .low : .fastest) }
        }
        let blip = try blipLoad.value(), clip = try clipLoad.value(), minilm = try minilmLoad.value()
        let sam = try samLoad?.value()
        var stamps = [ModelStamp(role: .captioner, folder: folders.captioner)]
        if let segmenter = folders.segmenter { stamps.append(ModelStamp(role: .segmenter, folder: segmenter)) }
        stamps.append(ModelStamp(role: .imageTextEmbedder, folder: folders.imageTextEmbedder))
        stamps.append(ModelStamp(role: .sentenceEmbedder, folder: folders.sentenceEmbedder))
        return DescribePipeline(
            captioner: BLIPImageCaptioner(blip, generation: generation),
            segmenter: sam.map { SAMRegionProposer($0, generation: segmentation) },
            embedder: CLIPImageTextEmbedder(clip), sentences: MiniLMSentenceEncoder(minilm), keywords: keywords,
            options: options, models: stamps)
    }
}

extension ModelStamp {
    /// The stamp of the model in `folder`.
    ///
    /// Identifier: the repository recorded in the folder's `.glimpse-manifest.json` (written by
    /// `glimpse models pull`); else, for a model-cache folder named `owner--name` of a known model,
    /// `owner/name`; else the folder's name. Revision: `sha256:<hex>` of `model.safetensors` when the
    /// manifest records it (the weights' identity), else the manifest's revision, else nil.
    public init(role: ModelRole, folder: URL) {
        let name = folder.standardizedFileURL.lastPathComponent
        if let manifest = PulledModelManifest.read(in: folder) {
            let weights = manifest.files?["model.safetensors"]?.sha256
            self.init(role: role, identifier: manifest.repository, revision: weights.map { "sha256:\($0)" } ?? manifest.revision)
            return
        }
        let repository = name.replacingOccurrences(of: "--", with: "/")
        self.init(role: role, identifier: KnownModel.named(repository) != nil ? repository : name)
    }
}

/// The fields of `glimpse models pull`'s `.glimpse-manifest.json` that stamps use (GlimpseHub writes it;
/// GlimpseDescribe reads it without depending on GlimpseHub).
struct PulledModelManifest: Decodable {
    struct File: Decodable { var sha256: String? }
    var repository: String
    var revision: String?
    var files: [String: File]?

    static func read(in folder: URL) -> PulledModelManifest? {
        guard let data = try? Data(contentsOf: folder.appending(path: ".glimpse-manifest.json")) else { return nil }
        return try? JSONDecoder().decode(PulledModelManifest.self, from: data)
    }
}
