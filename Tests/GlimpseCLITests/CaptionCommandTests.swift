import Foundation
import Testing

@Suite("glimpse caption")
struct CaptionCommandTests {
    private var tinyBLIP: URL { GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-blip") }

    @Test("captions each image; a broken file is reported and the others still get captions")
    func captions() throws {
        let image = tinyBLIP.appending(path: "reference_image.png").path
        let broken = tinyBLIP.appending(path: "config.json").path
        let run = try GlimpseProcess.run(["caption", image, broken, image, "--blip", tinyBLIP.path, "--beams", "3", "--json"])
        #expect(run.status == 1)
        let documents = run.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(documents.count == 2)
        #expect(documents.allSatisfy { ($0["caption"] as? String)?.isEmpty == false })
        #expect(documents.first?["caption"] as? String == documents.last?["caption"] as? String)
        #expect(run.output.contains("config.json"))
    }

    @Test("greedy and beam search are both available and bad options are refused")
    func options() throws {
        let image = tinyBLIP.appending(path: "reference_image.png").path
        let greedy = try GlimpseProcess.run(["caption", image, "--blip", tinyBLIP.path, "--beams", "1", "--max-tokens", "5"])
        #expect(greedy.status == 0, "\(greedy.output)")
        #expect(greedy.output.hasPrefix(image + "\t"))
        let bad = try GlimpseProcess.run(["caption", image, "--blip", tinyBLIP.path, "--beams", "0"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("--beams"))
    }
}
