import Foundation
import Testing
import GlimpseImage
import GlimpseRuntime
@testable import GlimpseModels

/// A generation case of the fixture: transformers' `generate` options and the matching Swift options.
struct BLIPGenerationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let options: BLIPCaptioner.GenerationOptions
    var testDescription: String { name }

    static let all: [BLIPGenerationCase] = [
        .init(name: "greedy", options: .init(maxNewTokens: 12)),
        .init(name: "beam3", options: .init(numBeams: 3, maxNewTokens: 12)),
        .init(name: "beam4_lp05_early", options: .init(numBeams: 4, maxNewTokens: 10, lengthPenalty: 0.5, earlyStopping: .whenFull)),
        .init(name: "beam2_never_lp15", options: .init(numBeams: 2, maxNewTokens: 10, lengthPenalty: 1.5, earlyStopping: .never)),
        .init(name: "greedy_rep15_min6", options: .init(maxNewTokens: 10, minNewTokens: 6, repetitionPenalty: 1.5)),
        .init(name: "beam3_rep13", options: .init(numBeams: 3, maxNewTokens: 10, repetitionPenalty: 1.3)),
        .init(name: "beam3_ngram2", options: .init(numBeams: 3, maxNewTokens: 10, noRepeatNgramSize: 2)),
        .init(name: "greedy_ngram2", options: .init(maxNewTokens: 10, noRepeatNgramSize: 2)),
        .init(name: "beam3_maxlen8_minlen5", options: .init(numBeams: 3, maxLength: 8, minLength: 5)),
        .init(name: "prefix_greedy", options: .init(maxNewTokens: 8, prefix: [109, 117])),
        .init(name: "prefix_beam3", options: .init(numBeams: 3, maxNewTokens: 8, prefix: [109, 117])),
    ]
}

@Suite("BLIP generation")
struct BLIPGenerationTests {
    private static let separator = 102

    private func captioner() throws -> BLIPCaptioner {
        try BLIPCaptioner(directory: BLIPFixture.folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
    }

    /// `reference_captions.json`: transformers' generated rows decoded by `BertTokenizer.batch_decode(…, skip_special_tokens=True)`.
    private func expectedTexts(_ name: String) throws -> [String] {
        let data = try Data(contentsOf: BLIPFixture.folder.appending(path: "reference_captions.json"))
        return try #require(try JSONDecoder().decode([String: [String]].self, from: data)[name])
    }

    /// transformers' padded rows `[batch, length]` as sequences without the padding after `[SEP]`.
    private func expectedSequences(_ reference: SafeTensorsFile, _ name: String, promptLength: Int) throws -> [[Int]] {
        let shape = try reference.info(name).shape
        let values = try reference.int64s(name).map { Int($0) }
        return (0..<shape[0]).map { row in
            let sequence = Array(values[(row * shape[1])..<((row + 1) * shape[1])])
            guard let end = sequence[promptLength...].firstIndex(of: Self.separator) else { return sequence }
            return Array(sequence[...end])
        }
    }

    @Test("greedy search gives transformers' generated_greedy")
    func greedyFixture() throws {
        let reference = try BLIPFixture.reference()
        let captions = try captioner().generate(pixelValues: BLIPFixture.floats(reference, "pixel_values"), options: .greedy(maxNewTokens: 10))
        let expected = try expectedSequences(reference, "generated_greedy", promptLength: 1)
        #expect(captions.map(\.tokenIDs) == expected)
        #expect(captions.map(\.finished) == expected.map { $0.last == Self.separator })
        #expect(captions.map(\.text) == (try expectedTexts("generated_greedy")))
    }

    @Test("beam search with 3 beams gives transformers' generated_beam3")
    func beamFixture() throws {
        let reference = try BLIPFixture.reference()
        let captions = try captioner().generate(pixelValues: BLIPFixture.floats(reference, "pixel_values"), options: .beamSearch(3, maxNewTokens: 10))
        #expect(captions.map(\.tokenIDs) == (try expectedSequences(reference, "generated_beam3", promptLength: 1)))
        #expect(captions.map(\.text) == (try expectedTexts("generated_beam3")))
    }

    @Test("token ids, transition scores and sequence scores equal transformers'", arguments: BLIPGenerationCase.all)
    func generationCase(_ testCase: BLIPGenerationCase) throws {
        let reference = try BLIPFixture.reference()
        let promptLength = 1 + testCase.options.prefix.count
        let captions = try captioner().generate(pixelValues: BLIPFixture.floats(reference, "extra_pixel_values"), options: testCase.options)
        let expected = try expectedSequences(reference, "case_\(testCase.name)_sequences", promptLength: promptLength)
        #expect(captions.map(\.tokenIDs) == expected)
        #expect(captions.map(\.text) == (try expectedTexts("case_\(testCase.name)_sequences")))

        let transitionName = "case_\(testCase.name)_transition_scores"
        let transitionShape = try reference.info(transitionName).shape
        let transitions = try reference.floats(transitionName)
        for (row, caption) in captions.enumerated() {
            #expect(caption.promptLength == promptLength)
            #expect(caption.logProbabilities.count == caption.tokenIDs.count - promptLength)
            let want = Array(transitions[(row * transitionShape[1])..<(row * transitionShape[1] + caption.logProbabilities.count)])
            #expect(maxAbsoluteDifference(caption.logProbabilities, want) < 1e-4, "row \(row)")
        }
        if testCase.options.numBeams > 1 {
            let scores = try reference.floats("case_\(testCase.name)_sequences_scores")
            #expect(maxAbsoluteDifference(captions.map { Float($0.score) }, scores) < 1e-4)
        } else {
            for caption in captions {
                #expect(abs(caption.score - caption.logProbabilities.reduce(0) { $0 + Double($1) }) < 1e-9)
            }
        }
    }

    @Test("captioning a batch gives each image's caption alone", arguments: [
        BLIPCaptioner.GenerationOptions.greedy(maxNewTokens: 12), .beamSearch(3, maxNewTokens: 12),
    ])
    func batchEqualsSingle(_ options: BLIPCaptioner.GenerationOptions) throws {
        let captioner = try captioner(), reference = try BLIPFixture.reference()
        let pixels = try reference.floats("extra_pixel_values"), size = 3 * 32 * 32
        // A batch with repeated images, out of order, more than one run of the vision transformer takes.
        let order = [2, 0, 1, 0, 2, 1]
        #expect(order.count > BLIPModel.visionBatchSize)
        let batch = try Tensor(shape: [order.count, 3, 32, 32], floats: order.flatMap { pixels[($0 * size)..<(($0 + 1) * size)] })
        let together = try captioner.generate(pixelValues: batch, options: options)
        for (position, image) in order.enumerated() {
            let single = try Tensor(shape: [1, 3, 32, 32], floats: Array(pixels[(image * size)..<((image + 1) * size)]))
            let alone = try captioner.generate(pixelValues: single, options: options)[0]
            #expect(together[position].tokenIDs == alone.tokenIDs, "image \(image)")
            #expect(maxAbsoluteDifference(together[position].logProbabilities, alone.logProbabilities) < 1e-5)
        }
        var split = options
        split.maxBatchSize = 3
        let chunked = try captioner.generate(pixelValues: batch, options: split)
        #expect(chunked.map(\.tokenIDs) == together.map(\.tokenIDs))
        #expect(maxAbsoluteDifference(chunked.flatMap(\.logProbabilities), together.flatMap(\.logProbabilities)) < 1e-5)
        // The captions of this batch do not all have the same length, so finished images left the batch early.
        #expect(Set(together.map(\.tokenIDs.count)).count > 1)
    }

    @Test("options generation cannot honour are refused")
    func invalidOptions() throws {
        let captioner = try captioner(), reference = try BLIPFixture.reference()
        let pixels = try BLIPFixture.floats(reference, "pixel_values")
        // max_position_embeddings is 20: 21 tokens fit (the last is never fed), 22 do not.
        #expect(throws: ModelsError.self) { try captioner.generate(pixelValues: pixels, options: .init(maxLength: 22)) }
        #expect(throws: ModelsError.self) { try captioner.generate(pixelValues: pixels, options: .init(numBeams: 0)) }
        #expect(throws: ModelsError.self) { try captioner.generate(pixelValues: pixels, options: .init(prefix: [120])) }
        #expect(throws: ModelsError.self) { try captioner.generate(pixelValues: pixels, options: .init(prefix: [5, 0])) }
        #expect(try captioner.generate(pixelValues: pixels, options: .init(maxLength: 21)).count == 2)
    }

    @Test("caption() returns the texts; without vocab.txt there is no text and caption() explains what is missing")
    func texts() throws {
        let reference = try BLIPFixture.reference()
        let pixels = try BLIPFixture.floats(reference, "pixel_values")
        #expect(try captioner().caption(pixelValues: pixels, options: .greedy(maxNewTokens: 10)) == (try expectedTexts("generated_greedy")))

        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-blip-novocab-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: BLIPFixture.folder.appending(path: file), to: folder.appending(path: file))
        }
        let bare = try BLIPCaptioner(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        #expect(bare.tokenizer == nil)
        #expect(try bare.generate(pixelValues: pixels).allSatisfy { $0.text == nil })
        #expect(throws: ModelsError.missingFile("vocab.txt", directory: folder)) { try bare.caption(pixelValues: pixels) }
        #expect(throws: ModelsError.missingFile("vocab.txt", directory: folder)) {
            try bare.generate(pixelValues: pixels, options: .init(textPrefix: "a cat"))
        }
    }

    @Test("a text prefix is tokenized as BlipProcessor does and continued")
    func textPrefix() throws {
        let captioner = try captioner(), reference = try BLIPFixture.reference()
        let pixels = try BLIPFixture.floats(reference, "extra_pixel_values")
        // BertTokenizer("vocab.txt")("A Cats") is [CLS] 1 4 69 [SEP] ("a", "cat", "##s").
        let captions = try captioner.generate(pixelValues: pixels, options: .init(maxNewTokens: 5, textPrefix: "A Cats"))
        #expect(captions.allSatisfy { Array($0.tokenIDs.prefix(4)) == [118, 1, 4, 69] && $0.promptLength == 4 })
        #expect(captions.map(\.tokenIDs) == (try captioner.generate(pixelValues: pixels, options: .init(maxNewTokens: 5, prefix: [1, 4, 69])).map(\.tokenIDs)))
        #expect(captions.allSatisfy { $0.text?.hasPrefix("a cats") == true })
    }

    @Test("pictures are preprocessed as BlipImageProcessor does, then captioned")
    func pictures() throws {
        let captioner = try captioner(), reference = try BLIPFixture.reference()
        #expect(captioner.preprocessing.resize == .exact(PixelSize(width: 32, height: 32)))
        let image = try ImageDecoder.decode(contentsOf: BLIPFixture.folder.appending(path: "reference_image.png"))
        let pixels = try ImagePreprocessor(captioner.preprocessing)([image]).pixelValues
        let difference = maxAbsoluteDifference(try pixels.floats(), try reference.floats("processor_pixel_values"))
        #expect(difference < 1e-4, "max |Δ| = \(difference)")
        let fromPicture = try captioner.generate(images: [image], options: .beamSearch(3, maxNewTokens: 6))
        let fromPixels = try captioner.generate(pixelValues: BLIPFixture.floats(reference, "processor_pixel_values"),
                                                options: .beamSearch(3, maxNewTokens: 6))
        #expect(fromPicture.map(\.tokenIDs) == fromPixels.map(\.tokenIDs))
    }
}
