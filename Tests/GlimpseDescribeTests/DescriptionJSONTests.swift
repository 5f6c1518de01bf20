import Foundation
import Testing
@testable import GlimpseDescribe
import GlimpseImage

@Suite("Description JSON")
struct DescriptionJSONTests {
    @Test("round-trips through JSON with its schema version")
    func roundTrip() throws {
        let region = DescribedRegion(
            box: PixelBox(x: 1, y: 2, width: 30, height: 40), area: 900, stability: 0.97,
            caption: "a knife on a cutting board", score: 0.4, status: .kept, embedding: [0.6, 0.8])
        let description = Description(
            mode: .full, imageSize: PixelSize(width: 640, height: 480), caption: "a cat and a dog on a bed",
            regions: [region], text: "a cat and a dog on a bed. a knife on a cutting board",
            keywords: ["cat", "dog", "bed", "knife", "cutting", "board"], compounds: ["cutting-board"],
            embeddings: DescriptionEmbeddings(image: [1, 0], text: [0, 1]),
            models: [ModelStamp(role: .captioner, identifier: "Salesforce/blip-image-captioning-base")],
            timings: [StageTiming(stage: "caption", seconds: 0.5)])
        let data = try JSONEncoder().encode(description)
        let decoded = try JSONDecoder().decode(Description.self, from: data)
        #expect(decoded == description)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        #expect(decoded.keptRegions.count == 1)
    }
}
