import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

// TEMPORARY differential probe (deleted before hand-off).
@Suite("BLIP fuzz probe")
struct BLIPFuzzProbe {
    struct Case: Decodable {
        let num_beams: Int; let max_new_tokens: Int; let length_penalty: Double
        let early_stopping: EarlyStoppingValue; let repetition_penalty: Float; let min_new_tokens: Int
    }
    enum EarlyStoppingValue: Decodable {
        case bool(Bool), text(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) } else { self = .text(try c.decode(String.self)) }
        }
    }

    @Test("fuzz", .enabled(if: FileManager.default.fileExists(atPath: "/tmp/glimpse-blip/fuzz.json")))
    func fuzz() throws {
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(filePath: "/tmp/glimpse-blip/fuzz.json")))
        let reference = try SafeTensorsFile(url: URL(filePath: "/tmp/glimpse-blip/fuzz.safetensors"))
        let captioner = try BLIPCaptioner(directory: BLIPFixture.folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 1))
        let pixels = try Tensor(shape: [12, 3, 32, 32], floats: reference.floats("pixel_values"))
        var mismatches = 0
        for (index, c) in cases.enumerated() {
            let stopping: BLIPCaptioner.GenerationOptions.EarlyStopping
            switch c.early_stopping { case .bool(true): stopping = .whenFull; case .bool(false): stopping = .heuristic; case .text: stopping = .never }
            let options = BLIPCaptioner.GenerationOptions(numBeams: c.num_beams, maxNewTokens: c.max_new_tokens, minNewTokens: c.min_new_tokens,
                                                          repetitionPenalty: c.repetition_penalty, lengthPenalty: c.length_penalty, earlyStopping: stopping)
            let captions = try captioner.generate(pixelValues: pixels, options: options)
            let shape = try reference.info("seq_\(index)").shape
            let values = try reference.int64s("seq_\(index)").map { Int($0) }
            for row in 0..<shape[0] {
                var want = Array(values[(row * shape[1])..<((row + 1) * shape[1])])
                if let end = want[1...].firstIndex(of: 102) { want = Array(want[...end]) }
                if captions[row].tokenIDs != want {
                    mismatches += 1
                    print("case \(index) \(c) row \(row): got \(captions[row].tokenIDs) want \(want)")
                }
            }
            if c.num_beams > 1 {
                let scores = try reference.floats("score_\(index)")
                let d = maxAbsoluteDifference(captions.map { Float($0.score) }, scores)
                if d > 1e-4 { print("case \(index) score diff \(d)") }
            }
        }
        print("mismatches", mismatches, "of", cases.count * 12)
        #expect(mismatches == 0)
    }
}
