import Foundation
import Testing
@testable import glimpse

/// Where `glimpse export` writes: a partial file beside the name, moved into place only when complete.
@Suite("export destination")
struct ExportDestinationTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-destination-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("nothing appears under the name until commit; discard leaves no trace; an earlier file stays until then")
    func partialThenPlaced() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appending(path: "export.jsonl")
        let first = try ExportDestination(path: target.path, replacing: false)
        let partial = try #require(first.partial)
        try first.write(Data("{\"a\":1}\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: target.path))
        try first.commit()
        #expect(try String(contentsOf: target, encoding: .utf8) == "{\"a\":1}\n")
        #expect(!FileManager.default.fileExists(atPath: partial.path))

        #expect(throws: CommandError.self) { try ExportDestination(path: target.path, replacing: false) }
        let second = try ExportDestination(path: target.path, replacing: true)
        try second.write(Data(repeating: UInt8(ascii: "x"), count: 3 << 20))  // more than a block: written to the partial file
        #expect(try Data(contentsOf: try #require(second.partial)).count >= 1 << 20)
        second.discard()  // an export that failed, or Ctrl-C
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["export.jsonl"])
        #expect(try String(contentsOf: target, encoding: .utf8) == "{\"a\":1}\n", "the earlier export is untouched")
    }

    @Test("a folder, or a folder that does not exist, is refused with a message")
    func refused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CommandError.self) { try ExportDestination(path: folder.path, replacing: true) }
        let missing = folder.appending(path: "no/such/folder/export.jsonl").path
        do {
            _ = try ExportDestination(path: missing, replacing: false)
            Issue.record("a destination in a missing folder was accepted")
        } catch let error as CommandError {
            #expect(error.message.contains("cannot write in"), "\(error.message)")
        }
    }
}
