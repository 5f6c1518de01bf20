import Foundation
import Testing

/// `glimpse import`, `status` and `search` through the real binary, SQLite store and WordNet keywords.
@Suite("glimpse import, status and search")
struct ImportSearchCommandTests {
    static let descriptions = """
        {"path": "a.jpg", "caption": "cartoon illustration of a dog on a couch"}
        {"path": "b.jpg", "caption": "a brown dog sleeping on a couch", "regions": [{"caption": "a blue collar", "box": [10, 20, 30, 40]}]}
        not json at all
        {"path": "c.jpg", "caption": "a knife on a cutting board"}
        """

    func withIndex(_ body: (_ index: String) throws -> Void) throws {
        let (folder, index) = try makeIndex()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(index)
    }

    /// Imports `descriptions` into a new index in a new temporary folder (the caller removes it).
    func makeIndex() throws -> (folder: URL, index: String) {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appending(path: "captions.jsonl")
        try Data(Self.descriptions.utf8).write(to: file)
        let index = folder.appending(path: "index.sqlite").path
        let imported = try GlimpseProcess.run(["import", file.path, "--no-embeddings", "--index", index])
        #expect(imported.status == 1, "a malformed line makes the exit status 1: \(imported.output)")
        #expect(imported.output.contains("Imported 3 description(s)"), "\(imported.output)")
        #expect(imported.output.contains(":3:"), "the malformed line is reported with its number: \(imported.output)")
        return (folder, index)
    }

    @Test("import reports malformed lines; status counts what was imported")
    func importAndStatus() throws {
        try withIndex { index in
            let status = try GlimpseProcess.run(["status", "--index", index])
            #expect(status.status == 0, "\(status.output)")
            #expect(status.output.contains("Images: 3"), "\(status.output)")
        }
    }

    @Test("search ranks by the description, explains the match, and demotes the negated concept")
    func search() throws {
        try withIndex { index in
            let run = try GlimpseProcess.run(["search", "a dog on a couch but no cartoon", "--text-only", "--index", index])
            #expect(run.status == 0, "\(run.output)")
            let lines = run.output.split(separator: "\n").map(String.init)
            let first = try #require(lines.first { $0.contains(". ") && $0.hasSuffix(".jpg") }, "\(run.output)")
            #expect(first.hasSuffix("b.jpg"), "the photo outranks the cartoon: \(run.output)")
            #expect(run.output.contains("not: cartoon"), "\(run.output)")
            #expect(run.output.contains("penalty"), "the cartoon is penalised, and the output says so: \(run.output)")

            // The imported paths are relative to the folder of the descriptions file, so they lie in the index's folder.
            let folder = URL(filePath: index).deletingLastPathComponent()
            let scoped = try GlimpseProcess.run(["search", "a dog", "--text-only", "--index", index, "--in", folder.appending(path: "b.jpg").path])
            #expect(scoped.status == 0 && scoped.output.contains("indexed image(s)") && scoped.output.contains(": 1 indexed"), "\(scoped.output)")
            #expect(scoped.output.contains("b.jpg") && !scoped.output.contains("a.jpg"), "\(scoped.output)")

            let compound = try GlimpseProcess.run(["search", "blue collar", "--text-only", "--index", index, "--json"])
            #expect(compound.status == 0, "\(compound.output)")
            #expect(compound.output.contains("blue-collar"), "\(compound.output)")
        }
    }

    @Test("--why says where one image stands and why; a file the index does not hold is a clear error")
    func why() throws {
        try withIndex { index in
            let folder = URL(filePath: index).deletingLastPathComponent()
            let cartoon = try GlimpseProcess.run(["search", "a dog on a couch but no cartoon", "--text-only", "--index", index,
                                                  "--why", folder.appending(path: "a.jpg").path, "--limit", "1"])
            #expect(cartoon.status == 0, "\(cartoon.output)")
            #expect(cartoon.output.contains("#2 in the answer (the first 1 are shown: --limit 2 shows it)"), "\(cartoon.output)")
            #expect(cartoon.output.contains("penalty ×0.2 for \"cartoon\": its description has cartoon"), "\(cartoon.output)")
            let knife = try GlimpseProcess.run(["search", "a dog on a couch", "--text-only", "--index", index, "--json",
                                                "--why", folder.appending(path: "c.jpg").path])
            #expect(knife.status == 0 && knife.output.contains("\"rankers\" : [") && !knife.output.contains("\"rank\" :"),
                    "no rank in the answer or in the full-text list: \(knife.output)")
            let missing = try GlimpseProcess.run(["search", "a dog", "--text-only", "--index", index, "--why", "/nowhere/x.jpg"])
            #expect(missing.status != 0 && missing.output.contains("/nowhere/x.jpg is not in the index"), "\(missing.output)")
        }
    }

    @Test("hostile and empty queries: FTS5 syntax is plain words; no usable term is a clear error")
    func hostileQueries() throws {
        try withIndex { index in
            let hostile = try GlimpseProcess.run(["search", #"knife" OR NEAR(a b) text:* ^board"#, "--text-only", "--index", index])
            #expect(hostile.status == 0, "\(hostile.output)")
            #expect(hostile.output.contains("c.jpg"), "\(hostile.output)")
            let empty = try GlimpseProcess.run(["search", "the of and", "--text-only", "--index", index])
            #expect(empty.status != 0)
            #expect(empty.output.contains("has no word to search for"), "\(empty.output)")
        }
    }

    @Test("- answers queries from standard input in order; a failing query is reported and the next one answered")
    func queriesFromStandardInput() throws {
        try withIndex { index in
            let input = "a dog on a couch but no cartoon\n\n   \nthe of and\nknife board\n"
            let run = try GlimpseProcess.run(["search", "-", "--text-only", "--index", index], input: input)
            #expect(run.status == 1, "the failed query makes the exit status 1: \(run.output)")
            let lines = run.output.split(separator: "\n").map(String.init)
            let answered = lines.filter { $0.hasPrefix("query: ") }
            #expect(answered.count == 2, "blank lines are skipped, the failed query has no answer: \(run.output)")
            #expect(lines.contains { $0.contains("the of and") && $0.contains("has no word to search for") }, "\(run.output)")
            let dog = try #require(lines.firstIndex { $0.hasSuffix("b.jpg") }, "\(run.output)")
            let knife = try #require(lines.firstIndex { $0.hasSuffix("c.jpg") }, "\(run.output)")
            #expect(dog < knife, "answers come in the order of the queries: \(run.output)")

            let json = try GlimpseProcess.run(["search", "-", "--text-only", "--index", index, "--json"],
                                              input: "blue collar\nthe of and\nknife\n")
            #expect(json.status == 1, "\(json.output)")
            let documents = try json.output.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            }
            #expect(documents.count == 3, "one JSON document per query, the failed one included: \(json.output)")
            let firstPaths = documents.map { (($0["results"] as? [[String: Any]])?.first?["path"] as? String) ?? "" }
            #expect(firstPaths.map { $0.isEmpty ? "" : URL(filePath: $0).lastPathComponent } == ["b.jpg", "", "c.jpg"],
                    "\(json.output)")
            #expect(documents.count == 3 && documents[1]["query"] as? String == "the of and"
                        && (documents[1]["error"] as? String)?.contains("has no word to search for") == true, "\(json.output)")
        }
    }
}
