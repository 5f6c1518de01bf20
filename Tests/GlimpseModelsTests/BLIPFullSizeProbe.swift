import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

// TEMPORARY speed probe (deleted before hand-off).
@Suite("BLIP probe")
struct BLIPFullSizeProbe {
    @Test("probe", .enabled(if: ProcessInfo.processInfo.environment["BLIP_PROBE"] != nil))
    func probe() throws {
        let folder = URL(filePath: ProcessInfo.processInfo.environment["BLIP_PROBE"]!)
        var start = Date()
        let captioner = try BLIPCaptioner(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 2))
        print("load", Date().timeIntervalSince(start))
        let reference = try SafeTensorsFile(url: folder.appending(path: "reference.safetensors"))
        let pixels = try reference.floats("pixel_values"), size = 3 * 384 * 384
        let one = try Tensor(shape: [1, 3, 384, 384], floats: Array(pixels[0..<size]))
        let two = try Tensor(shape: [2, 3, 384, 384], floats: pixels)
        let embeds = try captioner.model.imageEmbeddings(pixelValues: two).floats()
        let expected = try reference.floats("image_embeds")
        print("embeds rel diff", maxAbsoluteDifference(embeds, expected) / (expected.map(abs).max() ?? 1))
        for _ in 0..<3 {
            start = Date(); _ = try captioner.model.imageEmbeddings(pixelValues: one); print("vision b1", Date().timeIntervalSince(start))
        }
        let g = try captioner.generate(pixelValues: two)
        print("greedy", g.map(\.tokenIDs), try reference.int64s("greedy"))
        let b = try captioner.generate(pixelValues: two, options: .beamSearch(3))
        print("beam", b.map(\.tokenIDs), try reference.int64s("beam3"))
        let g20 = GlimpseModels.BLIPCaptioner.GenerationOptions(maxNewTokens: 19, minNewTokens: 19)
        var b20 = g20; b20.numBeams = 3
        for _ in 0..<2 {
            start = Date(); let c = try captioner.generate(pixelValues: one, options: g20); print("greedy20", Date().timeIntervalSince(start), c[0].tokenIDs.count)
            start = Date(); let d = try captioner.generate(pixelValues: one, options: b20); print("beam20", Date().timeIntervalSince(start), d[0].tokenIDs.count)
        }
        print("ref greedy_min19", try reference.int64s("greedy_min19"))
        let sixteen = try Tensor(shape: [16, 3, 384, 384], floats: (0..<8).flatMap { _ in pixels })
        start = Date(); let e = try captioner.model.imageEmbeddings(pixelValues: sixteen); print("vision16", Date().timeIntervalSince(start))
        start = Date(); _ = try captioner.generate(imageEmbeddings: e); print("decode16 greedy", Date().timeIntervalSince(start))
    }
}
