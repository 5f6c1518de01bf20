import Foundation
import Testing

/// `glimpse backup` and `glimpse restore` through the real binary.
@Suite("glimpse backup and restore")
struct BackupCommandTests {
    @Test("back up, lose the index, restore it: the same search answers; refusals exit 1 and say why")
    func backupAndRestore() throws {
        let (folder, index) = try ImportSearchCommandTests().makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        let searchBefore = try GlimpseProcess.run(["search", "blue collar", "--text-only", "--json", "--index", index])
        let backups = folder.appending(path: "backups").path
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)

        let backup = try GlimpseProcess.run(["backup", backups, "--json", "--index", index])
        #expect(backup.status == 0, "\(backup.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(backup.output.utf8)) as? [String: Any], "\(backup.output)")
        let file = try #require(report["path"] as? String)
        #expect(report["images"] as? Int == 3 && file.hasPrefix(backups + "/index-"))

        let kept = try GlimpseProcess.run(["backup", backups, "--keep", "1", "--index", index])
        #expect(kept.status == 0 && kept.output.contains("Removed the older backup"), "\(kept.output)")
        let left = try FileManager.default.contentsOfDirectory(atPath: backups)
        #expect(left.count == 1 && left.first != URL(filePath: file).lastPathComponent, "\(left)")
        let notFolder = try GlimpseProcess.run(["backup", file + ".other", "--keep", "2", "--index", index])
        #expect(notFolder.status != 0 && notFolder.output.contains("--keep needs"), "\(notFolder.output)")

        let again = try GlimpseProcess.run(["backup", backups + "/" + left[0], "--index", index])
        #expect(again.status != 0 && again.output.contains("--force"), "\(again.output)")

        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }  // the index is lost
        let restore = try GlimpseProcess.run(["restore", backups + "/" + left[0], "--index", index])
        #expect(restore.status == 0 && restore.output.contains("Restored 3 image(s)"), "\(restore.output)")
        let searchAfter = try GlimpseProcess.run(["search", "blue collar", "--text-only", "--json", "--index", index])
        #expect(searchAfter.status == 0 && Self.results(searchAfter.output) == Self.results(searchBefore.output))
        #expect(Self.results(searchAfter.output).count == 1, "\(searchAfter.output)")

        let bad = try GlimpseProcess.run(["restore", folder.appending(path: "captions.jsonl").path, "--index", index])
        #expect(bad.status != 0 && bad.output.contains("not an SQLite database") && bad.output.contains("unchanged"), "\(bad.output)")
    }

    /// The paths and scores of a `search --json` answer.
    static func results(_ output: String) -> [String] {
        let document = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return ((document?["results"] as? [[String: Any]]) ?? []).map { "\($0["path"] ?? "") \($0["score"] ?? "")" }
    }
}
