import Testing
@testable import GlimpseDescribe
import GlimpseImage

@Suite("Describe pipeline: report and overlay")
struct DescriptionReportTests {
    private func description() throws -> Description {
        var world = FakeWorld(scene: fourBoxes, regionCaptions: [0: "a knife on a cutting board"])
        world.embedder.textScores = ["a cat and a dog on a bed": 0.3, "a knife on a cutting board": 0.4]
        world.embedder.crops = [3: FakeEmbedder.vector(cosine: 0.99)]
        return try world.describe()
    }

    @Test("the report lists the caption, regions with boxes and fates, CLIP's ranking in percent, text, keywords, timings")
    func report() throws {
        let description = try description()
        let text = DescriptionReport(description).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "caption: a cat and a dog on a bed")
        #expect(lines.contains("regions: 4 of 4 proposed (0 below the area threshold); 3 captioned, 1 BLIP calls saved"))
        #expect(lines.contains { $0.hasPrefix("  #0  box 20,20 100×80  area 8000  stability 0.97  kept  ") && $0.hasSuffix("a knife on a cutting board") })
        #expect(lines.contains("  #3  box 150,140 60×60  area 3600  stability 0.97  nothingBeyondImage"))
        let best = try #require(description.candidates.first)
        #expect(lines.contains(String(format: "  %5.1f%%  ", Double(best.probability) * 100) + best.text))
        #expect(lines.contains("text: a cat and a dog on a bed. a knife on a cutting board"))
        #expect(lines.contains("compounds: cutting-board"))
        #expect(lines.last?.hasPrefix("timings: caption ") == true)
        #expect(lines.last?.contains("total") == true)
    }

    @Test("quick mode's report has no regions or ranking")
    func quickReport() throws {
        let text = DescriptionReport(try FakeWorld(scene: fourBoxes).describe(mode: .quick)).text
        #expect(!text.contains("regions:") && !text.contains("CLIP ranking"))
        #expect(text.contains("text: a cat and a dog on a bed"))
    }

    @Test("times under a second in milliseconds, longer ones in seconds")
    func seconds() {
        #expect(DescriptionReport.seconds(0.0123) == "12 ms")
        #expect(DescriptionReport.seconds(2.5) == "2.50 s")
    }

    @Test("the overlay outlines the kept regions only")
    func overlay() throws {
        let description = try description()
        let image = fourBoxes.image
        let drawn = try RegionOverlay.draw(description, on: image)
        #expect(drawn.rgb(x: 20, y: 20) == (230, 25, 75))       // kept region 0's corner
        #expect(drawn.rgb(x: 21, y: 60) == (230, 25, 75))       // its left edge, 2 pixels wide
        #expect(drawn.rgb(x: 22, y: 60) == image.rgb(x: 22, y: 60))
        #expect(drawn.rgb(x: 150, y: 140) == image.rgb(x: 150, y: 140))  // region 3 was not kept
    }
}
