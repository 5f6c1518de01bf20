import Foundation
import Testing
import GlimpseRuntime
@testable import GlimpseModels

/// A model folder in the Hugging Face hub cache's layout: `snapshots/REV/` holds symbolic links into `blobs/`.
@Suite("Models in the hub cache's layout")
struct HubCacheLayoutTests {
    private let fixture = Bundle.module.url(forResource: "Fixtures/tiny-clip", withExtension: nil)!

    @Test("weights reached through links into another folder load and give the same embeddings")
    func symlinkedWeights() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-hub-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = root.appending(path: "blobs"), snapshot = root.appending(path: "snapshots/abc123")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        for (index, name) in ["config.json", "model.safetensors", "preprocessor_config.json"].enumerated() {
            let blob = blobs.appending(path: "blob\(index)")
            try FileManager.default.copyItem(at: fixture.appending(path: name), to: blob)
            try FileManager.default.createSymbolicLink(atPath: snapshot.appending(path: name).path,
                                                       withDestinationPath: "../../blobs/blob\(index)")
        }
        let options = SessionOptions(intraOpThreads: 1)
        let linked = try CLIPModel(directory: snapshot, runtime: .shared(), options: options)
        let direct = try CLIPModel(directory: fixture, runtime: .shared(), options: options)
        let pixels = try Tensor(shape: [1, 3, 30, 30], floats: (0..<2700).map { Float($0 % 17) / 17 - 0.5 })
        #expect(try linked.embed(pixelValues: pixels).floats() == direct.embed(pixelValues: pixels).floats())
    }
}
