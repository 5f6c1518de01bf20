import Foundation
import Testing
@testable import GlimpseModels

@Suite("Configuration errors")
struct ConfigurationErrorTests {
    /// The `ModelsError` that decoding `json` as a `config.json` throws.
    private func configError(_ json: String) -> ModelsError? {
        do {
            _ = try ModelConfiguration(jsonData: Data(json.utf8))
            Issue.record("decoding succeeded: \(json)")
            return nil
        } catch let error as ModelsError {
            return error
        } catch {
            Issue.record("not a ModelsError: \(error)")
            return nil
        }
    }

    /// The field path of an `invalidConfiguration` error, else `nil`.
    private func field(_ error: ModelsError?) -> String? {
        guard case .invalidConfiguration(let file, let field, _) = error else { return nil }
        #expect(file == "config.json")
        return field
    }

    @Test("an unknown model_type names the type and the supported ones")
    func unknownModelType() {
        let error = configError(#"{"model_type": "llama", "hidden_size": 4096}"#)
        #expect(error == .unsupportedModelType("llama", supported: ["bert", "blip", "clip", "sam"]))
        #expect(error?.errorDescription?.contains("llama") == true)
        #expect(error?.errorDescription?.contains("clip") == true)
    }

    @Test("a missing, null or empty model_type is reported as missing", arguments: [
        #"{"hidden_size": 768}"#, #"{"model_type": null}"#, #"{"model_type": ""}"#,
    ])
    func missingModelType(_ json: String) {
        let error = configError(json)
        #expect(error == .missingModelType(file: "config.json"))
        #expect(error?.errorDescription?.contains("model_type") == true)
    }

    @Test("a model_type of the wrong JSON type names the field")
    func modelTypeWrongType() {
        #expect(field(configError(#"{"model_type": 5}"#)) == "model_type")
    }

    @Test("a wrong JSON type names the field path", arguments: [
        (#"{"model_type": "clip", "vision_config": {"hidden_size": "big"}}"#, "vision_config.hidden_size"),
        (#"{"model_type": "clip", "text_config_dict": {"vocab_size": true}}"#, "text_config_dict.vocab_size"),
        (#"{"model_type": "clip", "projection_dim": "512"}"#, "projection_dim"),
        (#"{"model_type": "clip", "vision_config": 5}"#, "vision_config"),
        (#"{"model_type": "blip", "text_config": {"is_decoder": "yes"}}"#, "text_config.is_decoder"),
        (#"{"model_type": "blip", "vision_config": {"layer_norm_eps": "tiny"}}"#, "vision_config.layer_norm_eps"),
        (#"{"model_type": "sam", "vision_config": {"global_attn_indexes": [2, "x"]}}"#, "vision_config.global_attn_indexes[1]"),
        (#"{"model_type": "sam", "mask_decoder_config": {"iou_head_depth": 1.5}}"#, "mask_decoder_config.iou_head_depth"),
        (#"{"model_type": "sam", "vision_config": {"mlp_dim": 2.5}}"#, "vision_config.mlp_dim"),
        (#"{"model_type": "bert", "vocab_size": 1e30}"#, "vocab_size"),
        (#"{"model_type": "bert", "architectures": "BertModel"}"#, "architectures"),
        (#"{"model_type": "bert", "hidden_act": "swiglu"}"#, "hidden_act"),
        (#"{"model_type": "clip", "text_config": {"hidden_act": "gelu_fancy"}}"#, "text_config.hidden_act"),
    ])
    func wrongType(_ json: String, _ path: String) {
        let error = configError(json)
        #expect(field(error) == path)
        #expect(error?.errorDescription?.contains(path) == true)
    }

    @Test("an unknown activation lists the known ones")
    func unknownActivation() {
        let error = configError(#"{"model_type": "bert", "hidden_act": "swiglu"}"#)
        guard case .invalidConfiguration(_, _, let reason) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(reason.contains("swiglu") && reason.contains("quick_gelu"))
    }

    @Test("text that is not JSON, or not a JSON object, is malformed", arguments: [
        "not json at all", "", #"{"model_type": "clip""#, "[1, 2, 3]",
    ])
    func notJSON(_ text: String) {
        guard case .malformedJSON(let file, _) = configError(text) else {
            Issue.record("expected malformedJSON for \(text)")
            return
        }
        #expect(file == "config.json")
    }

    @Test("a family type refuses another family's file")
    func wrongFamily() {
        #expect(throws: ModelsError.self) {
            _ = try CLIPConfiguration(jsonData: Data(#"{"model_type": "blip"}"#.utf8))
        }
        do {
            _ = try SAMConfiguration(jsonData: Data(#"{"model_type": "bert"}"#.utf8), file: "x.json")
        } catch let error as ModelsError {
            guard case .invalidConfiguration("x.json", "model_type", _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("preprocessor errors name the field", arguments: [
        (#"{"image_processor_type": "CLIPImageProcessor", "size": {"side": 3}}"#, "size"),
        (#"{"image_processor_type": "CLIPImageProcessor", "crop_size": "big"}"#, "crop_size"),
        (#"{"image_processor_type": "SamImageProcessor", "size": [1, 2]}"#, "size"),
        (#"{"image_processor_type": "SamImageProcessor", "pad_size": {"height": 4}}"#, "pad_size"),
        (#"{"image_processor_type": "SamImageProcessor", "mask_size": {"longest_edge": 2.5}}"#, "mask_size"),
        (#"{"image_processor_type": "BlipImageProcessor", "resample": 9}"#, "resample"),
        (#"{"image_processor_type": "BlipImageProcessor", "image_std": ["a"]}"#, "image_std[0]"),
        (#"{"image_processor_type": "ViTImageProcessor"}"#, "image_processor_type"),
        (#"{"do_resize": true}"#, "image_processor_type"),
    ])
    func preprocessorErrors(_ json: String, _ path: String) {
        do {
            _ = try PreprocessorConfiguration(jsonData: Data(json.utf8))
            Issue.record("decoding succeeded: \(json)")
        } catch let error as ModelsError {
            guard case .invalidConfiguration(let file, let field, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(file == "preprocessor_config.json")
            #expect(field == path)
        } catch {
            Issue.record("not a ModelsError: \(error)")
        }
    }

    @Test("every error message says what to do")
    func messages() {
        let directory = URL(fileURLWithPath: "/tmp/m")
        let errors: [ModelsError] = [
            .directoryNotFound(directory), .notADirectory(directory), .missingFile("config.json", directory: directory),
            .missingFiles(["model.safetensors"], directory: directory, modelType: "clip"),
            .unreadableFile(directory, reason: "denied"), .malformedJSON(file: "config.json", reason: "bad"),
            .missingModelType(file: "config.json"), .unsupportedModelType("x", supported: ["clip"]),
            .invalidConfiguration(file: "config.json", field: "a.b", reason: "bad"),
        ]
        let actions = ["download", "check", "pass", "add", "choose", "fix"]
        for error in errors {
            let message = (error.errorDescription ?? "").lowercased()
            #expect(actions.contains { message.contains($0) }, "\(error) gives no advice: \(message)")
        }
    }
}
