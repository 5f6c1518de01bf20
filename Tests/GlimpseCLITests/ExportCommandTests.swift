import Foundation
import Testing

/// `glimpse export` through the real binary: standard output, files, and an import of the export.
@Suite("glimpse export")
struct ExportCommandTests {
    static let descriptions = """
        {"path": "a.jpg", "caption": "cartoon illustration of a dog on a couch"}
        {"path": "sub/b.jpg", "caption": "a brown dog sleeping on a couch", "regions": [{"caption": "a blue collar", "box": [10, 20, 30, 40]}]}
        """

    /// A new folder with an index holding `descriptions` (the caller removes the folder).
    func makeIndex() throws -> (folder: URL, index: String) {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.descriptions.utf8).write(to: folder.appending(path: "captions.jsonl"))
        let index = folder.appending(path: "index.sqlite").path
        let imported = try GlimpseProcess.run(["import", folder.appending(path: "captions.jsonl").path, "--no-embeddings", "--index", index])
        #expect(imported.status == 0, "\(imported.output)")
        return (folder, index)
    }

    @Test("standard output holds only the JSON Lines; the summary goes to standard error")
    func standardOutput() throws {
        let (folder, index) = try makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try GlimpseProcess.runSeparating(["export", "--index", index])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(run.standardOutput)")
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)") }
        #expect(lines.last?.contains(#""path":"\#(folder.path)/sub/b.jpg""#) == true, "\(run.standardOutput)")
        #expect(run.standardError.contains("Exported 2 description(s) to standard output."), "\(run.standardError)")
    }

    @Test("a file is written whole, replaced only with --force, and imports into another index")
    func fileAndImport() throws {
        let (folder, index) = try makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "export.jsonl")
        let first = try GlimpseProcess.run(["export", file.path, "--index", index, "--relative-to", folder.path])
        #expect(first.status == 0 && first.output.contains("Exported 2 description(s) to \(file.path)."), "\(first.output)")
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written.contains(#""path":"sub/b.jpg""#) && written.contains(#""blue-collar""#), "\(written)")

        let refused = try GlimpseProcess.run(["export", file.path, "--index", index, "--in", folder.appending(path: "sub").path])
        #expect(refused.status != 0 && refused.output.contains("--force"), "\(refused.output)")
        #expect(try String(contentsOf: file, encoding: .utf8) == written, "a refused export leaves the file as it was")
        let forced = try GlimpseProcess.run(["export", file.path, "--force", "--index", index, "--in", folder.appending(path: "sub").path])
        #expect(forced.status == 0 && forced.output.contains("Exported 1 description(s)"), "\(forced.output)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // The export, imported into a new index, is searched as the original was.
        let copy = folder.appending(path: "copy.sqlite").path
        let imported = try GlimpseProcess.run(["import", file.path, "--no-embeddings", "--index", copy])
        #expect(imported.status == 0 && imported.output.contains("Imported 1 description(s)"), "\(imported.output)")
        let search = try GlimpseProcess.run(["search", "blue collar", "--text-only", "--index", copy])
        #expect(search.status == 0 && search.output.contains("\(folder.path)/sub/b.jpg"), "\(search.output)")
    }

    @Test("a folder with nothing described under it exits 1 and says so; a folder as the file is refused")
    func nothingUnder() throws {
        let (folder, index) = try makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try GlimpseProcess.run(["export", "--index", index, "--in", folder.appending(path: "elsewhere").path])
        #expect(run.status == 1 && run.output.contains("No described photo matches the filters (indexed under"), "\(run.output)")
        let intoFolder = try GlimpseProcess.run(["export", folder.path, "--index", index])
        #expect(intoFolder.status != 0 && intoFolder.output.contains("is a folder"), "\(intoFolder.output)")
    }
}
