import Foundation
import Testing
@testable import GlimpseModels

/// Field-by-field comparisons of each configuration type with the JSON transformers writes for it.
/// Every stored property is compared (`finish(covering:)` checks the count).
enum ConfigurationChecks {
    static func compare(_ c: CLIPConfiguration, _ e: FieldChecker) {
        compare(c.textConfig, e.nested("text_config"))
        compare(c.visionConfig, e.nested("vision_config"))
        e.int("projection_dim", c.projectionDim)
        e.double("logit_scale_init_value", c.logitScaleInitValue)
        e.optionalStrings("architectures", c.architectures)
        e.optionalString("torch_dtype", c.torchDtype)
        e.finish(covering: c)
    }

    static func compare(_ c: CLIPTextConfiguration, _ e: FieldChecker) {
        e.int("vocab_size", c.vocabSize)
        e.int("hidden_size", c.hiddenSize)
        e.int("intermediate_size", c.intermediateSize)
        e.int("projection_dim", c.projectionDim)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("max_position_embeddings", c.maxPositionEmbeddings)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.double("attention_dropout", c.attentionDropout)
        e.double("initializer_range", c.initializerRange)
        e.double("initializer_factor", c.initializerFactor)
        e.int("pad_token_id", c.padTokenID)
        e.int("bos_token_id", c.bosTokenID)
        e.int("eos_token_id", c.eosTokenID)
        e.finish(covering: c)
    }

    static func compare(_ c: CLIPVisionConfiguration, _ e: FieldChecker) {
        e.int("hidden_size", c.hiddenSize)
        e.int("intermediate_size", c.intermediateSize)
        e.int("projection_dim", c.projectionDim)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("num_channels", c.numChannels)
        e.int("image_size", c.imageSize)
        e.int("patch_size", c.patchSize)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.double("attention_dropout", c.attentionDropout)
        e.double("initializer_range", c.initializerRange)
        e.double("initializer_factor", c.initializerFactor)
        e.finish(covering: c)
    }

    static func compare(_ c: BLIPConfiguration, _ e: FieldChecker) {
        compare(c.textConfig, e.nested("text_config"))
        compare(c.visionConfig, e.nested("vision_config"))
        e.int("projection_dim", c.projectionDim)
        e.double("logit_scale_init_value", c.logitScaleInitValue)
        e.int("image_text_hidden_size", c.imageTextHiddenSize)
        e.optionalStrings("architectures", c.architectures)
        e.optionalString("torch_dtype", c.torchDtype)
        e.finish(covering: c)
    }

    static func compare(_ c: BLIPTextConfiguration, _ e: FieldChecker) {
        e.int("vocab_size", c.vocabSize)
        e.int("hidden_size", c.hiddenSize)
        e.int("encoder_hidden_size", c.encoderHiddenSize)
        e.int("intermediate_size", c.intermediateSize)
        e.int("projection_dim", c.projectionDim)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("max_position_embeddings", c.maxPositionEmbeddings)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.double("hidden_dropout_prob", c.hiddenDropoutProb)
        e.double("attention_probs_dropout_prob", c.attentionProbsDropoutProb)
        e.double("initializer_range", c.initializerRange)
        e.int("bos_token_id", c.bosTokenID)
        e.int("eos_token_id", c.eosTokenID)
        e.int("pad_token_id", c.padTokenID)
        e.int("sep_token_id", c.sepTokenID)
        e.bool("is_decoder", c.isDecoder)
        e.bool("use_cache", c.useCache)
        e.finish(covering: c)
    }

    static func compare(_ c: BLIPVisionConfiguration, _ e: FieldChecker) {
        e.int("hidden_size", c.hiddenSize)
        e.int("intermediate_size", c.intermediateSize)
        e.int("projection_dim", c.projectionDim)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("image_size", c.imageSize)
        e.int("patch_size", c.patchSize)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.double("attention_dropout", c.attentionDropout)
        e.double("initializer_range", c.initializerRange)
        e.finish(covering: c)
    }

    static func compare(_ c: SAMConfiguration, _ e: FieldChecker) {
        compare(c.visionConfig, e.nested("vision_config"))
        compare(c.promptEncoderConfig, e.nested("prompt_encoder_config"))
        compare(c.maskDecoderConfig, e.nested("mask_decoder_config"))
        e.double("initializer_range", c.initializerRange)
        e.optionalStrings("architectures", c.architectures)
        e.optionalString("torch_dtype", c.torchDtype)
        e.finish(covering: c)
    }

    static func compare(_ c: SAMVisionConfiguration, _ e: FieldChecker) {
        e.int("hidden_size", c.hiddenSize)
        e.int("output_channels", c.outputChannels)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("num_channels", c.numChannels)
        e.int("image_size", c.imageSize)
        e.int("patch_size", c.patchSize)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.double("attention_dropout", c.attentionDropout)
        e.double("initializer_range", c.initializerRange)
        e.bool("qkv_bias", c.qkvBias)
        e.double("mlp_ratio", c.mlpRatio)
        e.bool("use_abs_pos", c.useAbsPos)
        e.bool("use_rel_pos", c.useRelPos)
        e.int("window_size", c.windowSize)
        e.ints("global_attn_indexes", c.globalAttnIndexes)
        e.int("num_pos_feats", c.numPosFeats)
        e.int("mlp_dim", c.mlpDim)
        e.finish(covering: c)
    }

    static func compare(_ c: SAMPromptEncoderConfiguration, _ e: FieldChecker) {
        e.int("hidden_size", c.hiddenSize)
        e.int("image_size", c.imageSize)
        e.int("patch_size", c.patchSize)
        e.int("image_embedding_size", c.imageEmbeddingSize)
        e.int("mask_input_channels", c.maskInputChannels)
        e.int("num_point_embeddings", c.numPointEmbeddings)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("layer_norm_eps", c.layerNormEps)
        e.finish(covering: c)
    }

    static func compare(_ c: SAMMaskDecoderConfiguration, _ e: FieldChecker) {
        e.int("hidden_size", c.hiddenSize)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.int("mlp_dim", c.mlpDim)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("attention_downsample_rate", c.attentionDownsampleRate)
        e.int("num_multimask_outputs", c.numMultimaskOutputs)
        e.int("iou_head_depth", c.iouHeadDepth)
        e.int("iou_head_hidden_dim", c.iouHeadHiddenDim)
        e.double("layer_norm_eps", c.layerNormEps)
        e.finish(covering: c)
    }

    static func compare(_ c: BERTConfiguration, _ e: FieldChecker) {
        e.int("vocab_size", c.vocabSize)
        e.int("hidden_size", c.hiddenSize)
        e.int("num_hidden_layers", c.numHiddenLayers)
        e.int("num_attention_heads", c.numAttentionHeads)
        e.int("intermediate_size", c.intermediateSize)
        e.string("hidden_act", c.hiddenAct.rawValue)
        e.double("hidden_dropout_prob", c.hiddenDropoutProb)
        e.double("attention_probs_dropout_prob", c.attentionProbsDropoutProb)
        e.int("max_position_embeddings", c.maxPositionEmbeddings)
        e.int("type_vocab_size", c.typeVocabSize)
        e.double("initializer_range", c.initializerRange)
        e.double("layer_norm_eps", c.layerNormEps)
        e.int("pad_token_id", c.padTokenID)
        e.string("position_embedding_type", c.positionEmbeddingType)
        e.bool("use_cache", c.useCache)
        e.optionalDouble("classifier_dropout", c.classifierDropout)
        e.optionalStrings("architectures", c.architectures)
        e.optionalString("torch_dtype", c.torchDtype)
        e.finish(covering: c)
    }

    static func compare(_ configuration: ModelConfiguration, _ e: FieldChecker) {
        e.string("model_type", configuration.modelType.rawValue)
        switch configuration {
        case .clip(let c): compare(c, e)
        case .blip(let c): compare(c, e)
        case .sam(let c): compare(c, e)
        case .bert(let c): compare(c, e)
        }
    }

    static func compare(_ p: PreprocessorConfiguration, _ e: FieldChecker) {
        e.string("image_processor_type", p.kind.rawValue)
        e.bool("do_resize", p.doResize)
        e.size("size", p.size.dictionary)
        e.int("resample", p.resample.rawValue)
        e.bool("do_rescale", p.doRescale)
        e.double("rescale_factor", p.rescaleFactor)
        e.bool("do_normalize", p.doNormalize)
        e.doubles("image_mean", p.imageMean)
        e.doubles("image_std", p.imageStd)
        e.bool("do_convert_rgb", p.doConvertRGB)
        var neutral = 0
        if p.kind == .clip {
            e.bool("do_center_crop", p.doCenterCrop)
            e.size("crop_size", p.cropSize?.dictionary ?? [:])
        } else {
            #expect(!p.doCenterCrop && p.cropSize == nil, "\(e.context): only CLIP crops")
            #expect(e.json["crop_size"] == nil, "\(e.context): transformers has no crop_size here")
            neutral += 2
        }
        if p.kind == .sam {
            e.bool("do_pad", p.doPad)
            e.size("pad_size", p.padSize?.dictionary ?? [:])
            e.size("mask_size", p.maskSize?.dictionary ?? [:])
            e.size("mask_pad_size", p.maskPadSize?.dictionary ?? [:])
        } else {
            #expect(!p.doPad && p.padSize == nil && p.maskSize == nil && p.maskPadSize == nil,
                    "\(e.context): only SAM pads")
            #expect(e.json["pad_size"] == nil, "\(e.context): transformers has no pad_size here")
            neutral += 4
        }
        #expect(e.count + neutral == Mirror(reflecting: p).children.count, "\(e.context): field count")
    }
}
