import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

func log(_ items: Any...) {
    FileHandle.standardError.write((items.map { "\($0)" }.joined(separator: " ") + "\n").data(using: .utf8)!)
}

@Suite("SAM tmp full size")
struct SAMTmpFullSize {
    @Test("full size timing and parity")
    func fullSize() throws {
        let folder = URL(filePath: "/tmp/samfull/sam-vit-b")
        var t = Date()
        let model = try SAMModel(directory: folder, runtime: .shared(), options: SessionOptions(intraOpThreads: 2))
        log("TMP load s", Date().timeIntervalSince(t))
        let ref = try SafeTensorsFile(url: URL(filePath: "/tmp/samfull/ref.safetensors"))
        let px = try Tensor(shape: [1, 3, 1024, 1024], floats: ref.floats("pixel_values"))
        var emb = try model.imageEmbedding(pixelValues: px)
        for _ in 0..<2 {
            t = Date(); emb = try model.imageEmbedding(pixelValues: px); log("TMP encoder s", Date().timeIntervalSince(t))
        }
        let e = try ref.floats("image_embeddings")
        log("TMP emb diff", maxAbsoluteDifference(try emb.floats(), e), "scale", e.map(abs).max()!)
        let embRef = try Tensor(shape: [1, 256, 64, 64], floats: e)
        let (p, l) = try SAMPrompt.decoderInputs(points: Tensor(shape: [1, 64, 1, 2], floats: ref.floats("input_points")), labels: nil, boxes: nil)
        var masks = try model.decode(imageEmbeddings: embRef, inputPoints: p, inputLabels: l, multimask: true)
        for _ in 0..<3 {
            t = Date(); masks = try model.decode(imageEmbeddings: embRef, inputPoints: p, inputLabels: l, multimask: true); log("TMP decoder64 s", Date().timeIntervalSince(t))
        }
        let m = try ref.floats("pred_masks")
        log("TMP masks diff", maxAbsoluteDifference(try masks.masks.floats(), m), "scale", m.map(abs).max()!,
              "iou diff", maxAbsoluteDifference(try masks.iouScores.floats(), try ref.floats("iou_scores")))
        t = Date()
        let options = SAMMaskGenerationOptions()
        let found = try model.generateMasks(embedding: embRef, geometry: SAMImageGeometry(originalHeight: 768, originalWidth: 1024, inputSize: 1024), options: options)
        log("TMP amg s", Date().timeIntervalSince(t), found.count)
    }
}
