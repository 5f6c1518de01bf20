import Foundation
import Testing
@testable import GlimpseIndex

/// `SQLiteIndexStore.identicalFiles(under:)`: the photos stored more than once.
@Suite("identical files")
struct IdenticalFilesTests {
    @Test("groups of described images with one fingerprint, the most space first; pending copies and single files are not listed")
    func groups() throws {
        let store = try SQLiteIndexStore.inMemory()
        let files: [(String, Int64, String)] = [
            ("/p/a.jpg", 100, "small"), ("/backup/a.jpg", 100, "small"),
            ("/p/big.jpg", 5_000, "big"), ("/backup/big.jpg", 5_000, "big"), ("/old/big copy.jpg", 5_000, "big"),
            ("/p/alone.jpg", 70, "alone"),
            ("/p/b.jpg", 300, "b"), ("/p2/b.jpg", 300, "b"),
        ]
        for (path, size, hash) in files {
            try store.saveDescription(sampleDescription(caption: "a photo", keywords: ["photo"]),
                                      for: FileFacts(path: path, size: size, modified: 1, contentHash: hash))
        }
        try store.addPending([FileFacts(path: "/new/alone.jpg", size: 70, modified: 1, contentHash: "alone")])

        let groups = try store.identicalFiles()
        #expect(groups.map(\.contentHash) == ["big", "b", "small"])
        #expect(groups[0].paths == ["/backup/big.jpg", "/old/big copy.jpg", "/p/big.jpg"])
        #expect(groups[0].extraBytes == 10_000 && groups[0].size == 5_000)
        #expect(try store.searchDocuments(groups[0].images).map(\.path) == groups[0].paths)

        #expect(try store.identicalFiles(under: ["/old"]).map(\.contentHash) == ["big"], "with every copy, wherever it is")
        #expect(try store.identicalFiles(under: ["/p2/b.jpg"]).map(\.paths) == [["/p/b.jpg", "/p2/b.jpg"]])
        #expect(try store.identicalFiles(under: ["/p/a"]).isEmpty, "folder boundaries: /p/a is not /p/a.jpg")
        #expect(try store.identicalFiles(under: ["/backup/", "/p2"]).map(\.contentHash) == ["big", "b", "small"])
    }
}
