import Foundation
import Testing
@testable import GlimpseModels

/// Decodes the inputs written by `Tools/fixtures/make_config_fixtures.py` and compares every modelled
/// field with what transformers 4.46.3 made of the same input.
@Suite("Configuration parity with transformers")
struct ConfigurationParityTests {
    static let configCases = [
        "clip-minimal", "clip-partial", "clip-legacy", "clip-nulls",
        "blip-minimal", "blip-partial", "blip-nulls",
        "sam-minimal", "sam-partial", "sam-derived",
        "bert-minimal", "bert-minilm", "bert-variant",
    ]

    static let preprocessorCases = [
        "clip-minimal", "clip-legacy", "clip-dicts", "blip-minimal", "blip-int-size", "sam-minimal", "sam-ints",
    ]

    @Test("config.json input decodes to transformers' values", arguments: configCases)
    func configInput(_ name: String) throws {
        let configuration = try ModelConfiguration(jsonData: Fixtures.data("configs", name + ".input"))
        let expected = try Fixtures.object("configs", name + ".expected")
        #expect(configuration.modelType.rawValue == name.split(separator: "-").first.map(String.init))
        ConfigurationChecks.compare(configuration, FieldChecker(expected, context: name))
    }

    @Test("transformers' full config.json (hub shape) decodes to itself", arguments: configCases)
    func configHubShape(_ name: String) throws {
        let data = try Fixtures.data("configs", name + ".expected")
        let configuration = try ModelConfiguration(jsonData: data)
        let expected = try Fixtures.object("configs", name + ".expected")
        ConfigurationChecks.compare(configuration, FieldChecker(expected, context: name + " (hub)"))
    }

    @Test("the family types decode their own files directly", arguments: configCases)
    func familyDecoding(_ name: String) throws {
        let data = try Fixtures.data("configs", name + ".input")
        let direct: ModelConfiguration =
            switch try ModelConfiguration(jsonData: data).modelType {
            case .clip: .clip(try CLIPConfiguration(jsonData: data))
            case .blip: .blip(try BLIPConfiguration(jsonData: data))
            case .sam: .sam(try SAMConfiguration(jsonData: data))
            case .bert: .bert(try BERTConfiguration(jsonData: data))
            }
        #expect(direct == (try ModelConfiguration(jsonData: data)))
    }

    @Test("preprocessor_config.json decodes to transformers' values", arguments: preprocessorCases)
    func preprocessorInput(_ name: String) throws {
        let data = try Fixtures.data("preprocessors", name + ".input")
        let configuration = try PreprocessorConfiguration(jsonData: data)
        let expected = try Fixtures.object("preprocessors", name + ".expected")
        ConfigurationChecks.compare(configuration, FieldChecker(expected, context: name))
    }

    @Test("transformers' preprocessor to_dict() decodes to itself", arguments: preprocessorCases)
    func preprocessorRoundTrip(_ name: String) throws {
        let data = try Fixtures.data("preprocessors", name + ".expected")
        let configuration = try PreprocessorConfiguration(jsonData: data)
        let expected = try Fixtures.object("preprocessors", name + ".expected")
        ConfigurationChecks.compare(configuration, FieldChecker(expected, context: name + " (to_dict)"))
    }

    @Test("defaults built in Swift equal transformers' defaults")
    func swiftDefaults() throws {
        ConfigurationChecks.compare(
            .clip(CLIPConfiguration()), FieldChecker(try Fixtures.object("configs", "clip-minimal.expected"), context: "CLIP()"))
        ConfigurationChecks.compare(
            .blip(BLIPConfiguration()), FieldChecker(try Fixtures.object("configs", "blip-minimal.expected"), context: "BLIP()"))
        ConfigurationChecks.compare(
            .sam(SAMConfiguration()), FieldChecker(try Fixtures.object("configs", "sam-minimal.expected"), context: "SAM()"))
        ConfigurationChecks.compare(
            .bert(BERTConfiguration()), FieldChecker(try Fixtures.object("configs", "bert-minimal.expected"), context: "BERT()"))
    }

    @Test("encoding and decoding again keeps every field", arguments: configCases)
    func encodeRoundTrip(_ name: String) throws {
        let configuration = try ModelConfiguration(jsonData: Fixtures.data("configs", name + ".input"))
        let encoded: Data =
            switch configuration {
            case .clip(let c): try JSONEncoder().encode(c)
            case .blip(let c): try JSONEncoder().encode(c)
            case .sam(let c): try JSONEncoder().encode(c)
            case .bert(let c): try JSONEncoder().encode(c)
            }
        #expect(try ModelConfiguration(jsonData: encoded) == configuration)
    }
}
