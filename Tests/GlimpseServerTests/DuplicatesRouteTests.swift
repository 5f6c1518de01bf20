import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GlimpseServer

@Suite("server: identical files")
struct DuplicatesRouteTests {
    @Test("the files stored more than once, as glimpse duplicates --json prints them; within a folder; a bad folder is 400")
    func duplicates() async throws {
        let fixture = try ServerFixture()
        let description = Description(mode: .quick, imageSize: PixelSize(width: 4, height: 3), caption: "a copy", text: "a copy",
                                      keywords: ["copy"], compounds: [], embeddings: DescriptionEmbeddings(image: [1, 0], text: [0, 1]))
        for path in ["a/one.jpg", "b/two.jpg", "b/three.jpg"] {
            try FileManager.default.createDirectory(at: fixture.url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("same bytes".utf8).write(to: fixture.url(path))
            _ = try fixture.store.saveDescription(description, for: FileFacts(path: fixture.url(path).path, size: 10, contentHash: "h1"))
        }
        try await buildApplication(library: fixture.library).test(.router) { client in
            try await client.execute(uri: "/api/duplicates", method: .get) { response in
                #expect(response.status == .ok)
                let report = try JSONDecoder().decode(DuplicateFilesReport.self, from: Data(buffer: response.body))
                #expect(report.groups.map(\.paths) == [["a/one.jpg", "b/three.jpg", "b/two.jpg"].map { fixture.url($0).path }])
                #expect(report.extraCopies == 2 && report.extraBytes == 20 && report.groups.first?.contentHash == "h1")
            }
            let folder = fixture.url("a").path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/api/duplicates?in=\(folder)", method: .get) { response in
                let report = try JSONDecoder().decode(DuplicateFilesReport.self, from: Data(buffer: response.body))
                #expect(report.groups.count == 1 && report.groups[0].paths.count == 3, "the group has a copy under a/, with all its copies")
            }
            let elsewhere = fixture.url("nowhere").path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/api/duplicates?in=\(elsewhere)", method: .get) { response in
                let report = try JSONDecoder().decode(DuplicateFilesReport.self, from: Data(buffer: response.body))
                #expect(report.groups.isEmpty && report.extraCopies == 0)
            }
            try await client.execute(uri: "/api/duplicates?in=relative/folder", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
