import Foundation
import Testing
@testable import GlimpseModels

/// The transformers behaviours that are easy to get wrong, spelled out (the parity tests check the
/// same values against the generated fixtures).
@Suite("transformers configuration quirks")
struct ConfigurationQuirksTests {
    private func decode(_ json: String) throws -> ModelConfiguration {
        try ModelConfiguration(jsonData: Data(json.utf8))
    }

    private func preprocessor(_ json: String, hint: ModelType? = nil) throws -> PreprocessorConfiguration {
        try PreprocessorConfiguration(jsonData: Data(json.utf8), modelTypeHint: hint)
    }

    @Test("CLIP: *_config_dict, completed with defaults, replaces every field of *_config")
    func clipConfigDict() throws {
        let data = try Fixtures.data("configs", "clip-legacy.input")
        guard case .clip(let clip) = try ModelConfiguration(jsonData: data) else {
            Issue.record("not CLIP")
            return
        }
        // text_config said hidden 256, 3 layers, eos 2, bos 0; text_config_dict says 6 layers and no ids.
        #expect(clip.textConfig.hiddenSize == 512)
        #expect(clip.textConfig.numHiddenLayers == 6)
        #expect(clip.textConfig.eosTokenID == 49407)
        #expect(clip.textConfig.bosTokenID == 49406)
        // vision_config is null; vision_config_dict sets patch 16.
        #expect(clip.visionConfig.patchSize == 16)
        #expect(clip.visionConfig.hiddenSize == 768)
    }

    @Test("CLIP: the top-level projection_dim does not reach the nested configs")
    func clipProjectionDim() throws {
        guard case .clip(let clip) = try decode(#"{"model_type": "clip", "projection_dim": 768}"#) else {
            Issue.record("not CLIP")
            return
        }
        #expect(clip.projectionDim == 768)
        #expect(clip.textConfig.projectionDim == 512)
        #expect(clip.visionConfig.projectionDim == 512)
    }

    @Test("CLIP: eos_token_id 2 marks the legacy pooling at the highest token id")
    func clipLegacyPooling() throws {
        let json = #"{"model_type": "clip", "text_config": {"eos_token_id": 2}}"#
        guard case .clip(let clip) = try decode(json) else {
            Issue.record("not CLIP")
            return
        }
        #expect(clip.textConfig.poolsAtHighestTokenID)
        #expect(!CLIPTextConfiguration().poolsAtHighestTokenID)
        #expect(CLIPVisionConfiguration().numPositions == 50)
    }

    @Test("BLIP: encoder_hidden_size follows the vision hidden_size; text_config_dict is ignored")
    func blipEncoderHiddenSize() throws {
        let json = #"""
            {"model_type": "blip", "vision_config": {"hidden_size": 1024},
             "text_config": {"encoder_hidden_size": 5}, "text_config_dict": {"hidden_size": 3}}
            """#
        guard case .blip(let blip) = try decode(json) else {
            Issue.record("not BLIP")
            return
        }
        #expect(blip.textConfig.encoderHiddenSize == 1024)
        #expect(blip.textConfig.hiddenSize == 768)
        let built = BLIPConfiguration(visionConfig: BLIPVisionConfiguration(hiddenSize: 64))
        #expect(built.textConfig.encoderHiddenSize == 64)
        // Standalone, the text config keeps what the file says.
        let text = try JSONDecoder().decode(
            BLIPTextConfiguration.self, from: Data(#"{"encoder_hidden_size": 5}"#.utf8))
        #expect(text.encoderHiddenSize == 5)
    }

    @Test("BLIP: three projection_dim defaults and the caption token ids")
    func blipDefaults() {
        let blip = BLIPConfiguration()
        #expect(blip.projectionDim == 512)
        #expect(blip.visionConfig.projectionDim == 512)
        #expect(blip.textConfig.projectionDim == 768)
        #expect(blip.textConfig.bosTokenID == 30522)
        #expect(blip.textConfig.sepTokenID == 102)
        #expect(blip.textConfig.eosTokenID == 2)
        #expect(blip.textConfig.padTokenID == 0)
        #expect(blip.visionConfig.numPositions == 577)
    }

    @Test("SAM: image_embedding_size is derived; mlp_dim comes from mlp_ratio when absent or null")
    func samDerived() throws {
        let json = #"""
            {"model_type": "sam", "prompt_encoder_config": {"image_embedding_size": 99, "image_size": 512},
             "vision_config": {"hidden_size": 100, "mlp_ratio": 2.5, "mlp_dim": null}}
            """#
        guard case .sam(let sam) = try decode(json) else {
            Issue.record("not SAM")
            return
        }
        #expect(sam.promptEncoderConfig.imageEmbeddingSize == 32)
        #expect(sam.visionConfig.mlpDim == 250)
        #expect(SAMVisionConfiguration(hiddenSize: 100, mlpRatio: 2.5, mlpDim: 7).mlpDim == 7)
        #expect(SAMConfiguration().visionConfig.mlpDim == 3072)
        #expect(SAMConfiguration().maskDecoderConfig.numMaskTokens == 4)
    }

    @Test("null and empty nested configs mean defaults")
    func nullNested() throws {
        #expect(try decode(#"{"model_type": "clip", "text_config": null, "vision_config": {}}"#)
                == .clip(CLIPConfiguration()))
        #expect(try decode(#"{"model_type": "blip", "text_config": {}, "vision_config": null}"#)
                == .blip(BLIPConfiguration()))
        #expect(try decode(#"{"model_type": "sam", "mask_decoder_config": null}"#) == .sam(SAMConfiguration()))
        #expect(try decode(#"{"model_type": "bert", "hidden_size": null}"#) == .bert(BERTConfiguration()))
    }

    @Test("hidden_act strings map to activations; the family defaults differ")
    func activations() throws {
        #expect(CLIPTextConfiguration().hiddenAct == .quickGELU)
        #expect(BLIPVisionConfiguration().hiddenAct == .gelu)
        #expect(SAMMaskDecoderConfiguration().hiddenAct == .relu)
        let json = #"{"model_type": "bert", "hidden_act": "gelu_pytorch_tanh"}"#
        guard case .bert(let bert) = try decode(json) else {
            Issue.record("not BERT")
            return
        }
        #expect(bert.hiddenAct == .geluPytorchTanh)
        #expect(HiddenActivation.allCases.count == 19)
    }

    @Test("preprocessor sizes: a bare integer means what each processor makes of it")
    func preprocessorIntegers() throws {
        let clip = try preprocessor(
            #"{"feature_extractor_type": "CLIPFeatureExtractor", "size": 336, "crop_size": 336}"#)
        #expect(clip.kind == .clip)
        #expect(clip.size == .shortestEdge(336))
        #expect(clip.cropSize == .exact(height: 336, width: 336))
        let blip = try preprocessor(#"{"image_processor_type": "BlipImageProcessor", "size": 384}"#)
        #expect(blip.size == .exact(height: 384, width: 384))
        let sam = try preprocessor(#"{"image_processor_type": "SamImageProcessor", "size": 1024}"#)
        #expect(sam.size == .longestEdge(1024))
        let pair = try preprocessor(#"{"image_processor_type": "CLIPImageProcessor", "size": [240, 320]}"#)
        #expect(pair.size == .exact(height: 240, width: 320))
        let scalar = try preprocessor(#"{"image_processor_type": "BlipImageProcessor", "image_mean": 0.5}"#)
        #expect(scalar.imageMean == [0.5, 0.5, 0.5])
        let bounded = try preprocessor(
            #"{"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 800, "longest_edge": 1333}}"#)
        #expect(bounded.size == .shortestEdgeBounded(shortestEdge: 800, longestEdge: 1333))
    }

    @Test("a preprocessor file without a processor type takes the defaults of the model type hint")
    func preprocessorHint() throws {
        let json = #"{"do_resize": true}"#
        #expect(try preprocessor(json, hint: .sam) == PreprocessorConfiguration(defaultsFor: .sam))
        #expect(try preprocessor(json, hint: .clip) == PreprocessorConfiguration(defaultsFor: .clip))
        // BLIP ignores crop fields it does not have.
        let blip = try preprocessor(#"{"do_center_crop": true, "crop_size": 5}"#, hint: .blip)
        #expect(!blip.doCenterCrop && blip.cropSize == nil)
    }

    @Test("a preprocessor configuration survives encoding and decoding", arguments: ImageProcessorKind.allCases)
    func preprocessorRoundTrip(_ kind: ImageProcessorKind) throws {
        var configuration = PreprocessorConfiguration(defaultsFor: kind)
        configuration.size = .maxSize(height: 300, width: 400)
        configuration.resample = .lanczos
        let data = try JSONEncoder().encode(configuration)
        #expect(try PreprocessorConfiguration(jsonData: data) == configuration)
    }
}
