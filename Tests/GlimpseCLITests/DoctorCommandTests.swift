import Foundation
import GRDB
import Testing

/// `glimpse doctor`, run as a user would run it.
@Suite("glimpse doctor")
struct DoctorCommandTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-doctor-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("reports ONNX Runtime, directories and models, and passes when the runtime works")
    func healthy() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let run = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                         "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("[ok  ] ONNX Runtime: 1."))
        #expect(run.output.contains("] memory: ") && run.output.contains("GB of Glimpse's own memory"), "\(run.output)")
        #expect(run.output.contains("model openai/clip-vit-base-patch32"))
        #expect(run.output.contains("fix: Run `glimpse models pull clip-vit-b32`"))
        #expect(run.output.contains("[ok  ] camera raw files: LibRaw answers, in /") && run.output.contains("/glimpse-raw-worker"),
                "\(run.output)")
        let forked = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_RAW_WORKER": "fork",
                                                                      "GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                                      "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        #expect(forked.output.contains("camera raw files: LibRaw answers, in forks of the running process"), "\(forked.output)")
        let broken = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_RAW_WORKER": "/bin/false",
                                                                      "GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                                      "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        #expect(broken.output.contains("[warn] camera raw files: LibRaw did not answer: LibRaw's process ended without an answer"),
                "\(broken.output)")
        #expect(run.output.contains("[ok  ] place names: 155210 places in /") && run.output.contains("(London is London, England, United Kingdom)"),
                "the gazetteer of scripts/fetch-places, found above the executable: \(run.output)")
        let notAGazetteer = home.appending(path: "places.tsv")
        try Data("Paris\tÎle-de-France\tFrance\t48.85341\t2.34880\t2138551\n".utf8).write(to: notAGazetteer)
        let wrong = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_PLACES": notAGazetteer.path,
                                                                     "GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                                     "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        #expect(wrong.status == 0 && wrong.output.contains("[warn] place names: \(notAGazetteer.path) does not know London"), "\(wrong.output)")
    }

    @Test("glimpse starts itself again with huge pages for the models' memory, unless told not to")
    func hugePages() throws {
        let kernel = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)
        let run = try GlimpseProcess.run(["doctor"])
        if let kernel, !kernel.contains("[never]") {
            #expect(run.output.contains("[ok  ] huge pages: the models' memory in transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1)"),
                    "\(run.output)")
        } else {
            #expect(run.output.contains("[warn] huge pages: ordinary pages"), "\(run.output)")
        }
        let off = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_HUGE_PAGES": "0"])
        #expect(off.output.contains("[ok  ] huge pages: off (GLIMPSE_HUGE_PAGES=0)"), "\(off.output)")
        let own = try GlimpseProcess.run(["doctor"], environment: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"])
        #expect(own.output.contains("[ok  ] huge pages: off (GLIBC_TUNABLES=glibc.malloc.hugetlb=0)"), "the user's setting is kept: \(own.output)")
    }

    @Test("doctor says how many threads each model runs on: one per physical core, or GLIMPSE_THREADS")
    func threads() throws {
        let plain = try GlimpseProcess.run(["doctor"])
        #expect(plain.output.contains("per model, one per physical core"), "\(plain.output)")
        let set = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_THREADS": "3"])
        #expect(set.output.contains("[ok  ] threads: 3 per model (GLIMPSE_THREADS)"), "\(set.output)")
        let wrong = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_THREADS": "all"])
        #expect(wrong.output.contains("[warn] threads: GLIMPSE_THREADS=\"all\" is not a whole number from 1 to 1024"), "\(wrong.output)")
    }

    @Test("the index is read through: none yet is fine; damaged, not SQLite or from a newer Glimpse fails, with the way back")
    func index() throws {
        let library = try PhotoLibrary("doctor-index")
        defer { library.remove() }
        try library.add("images/photo_400x267.jpg", as: "a.jpg")
        func doctor(_ index: String) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(["doctor", "--index", index], environment: ["GLIMPSE_CACHE_DIR": library.folder.appending(path: "cache").path])
        }
        let none = try doctor(library.index)
        #expect(none.output.contains("[ok  ] index: none yet at \(library.index)"), "\(none.output)")
        #expect(!FileManager.default.fileExists(atPath: library.index), "the doctor creates no index")
        let indexed = try GlimpseProcess.run(["index", library.photos.path, "--index", library.index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(indexed.status == 0, "\(indexed.output)")
        let whole = try doctor(library.index)
        #expect(whole.output.contains("[ok  ] index: 1 image(s) in \(library.index), whole"), "\(whole.output)")

        let truncated = library.folder.appending(path: "truncated.sqlite")
        try Data(try Data(contentsOf: URL(filePath: library.index)).prefix(6_000)).write(to: truncated)
        let damaged = try doctor(truncated.path)
        #expect(damaged.status == 1 && damaged.output.contains("[FAIL] index: \(truncated.path): it is damaged"), "\(damaged.output)")
        #expect(damaged.output.contains("fix: Put a backup back with `glimpse restore BACKUP`"))
        let garbage = library.folder.appending(path: "garbage.sqlite")
        try Data("not a database at all, not even close".utf8).write(to: garbage)
        #expect(try doctor(garbage.path).output.contains("[FAIL] index: \(garbage.path): it is not an SQLite database"))
        let sqlite = try GlimpseProcess.run(["backup", library.folder.appending(path: "newer.sqlite").path, "--index", library.index])
        #expect(sqlite.status == 0, "\(sqlite.output)")
        let newer = library.folder.appending(path: "newer.sqlite")
        let queue = try DatabaseQueue(path: newer.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999')") }
        try queue.close()
        let future = try doctor(newer.path)
        #expect(future.status == 1 && future.output.contains("newer version of Glimpse") && future.output.contains("fix: Update Glimpse"),
                "\(future.output)")
    }

    @Test("JSON output lists every check with its status")
    func json() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        // A model folder with every required file counts as present.
        let minilm = home.appending(path: "cache/models/sentence-transformers--all-MiniLM-L6-v2")
        try FileManager.default.createDirectory(at: minilm, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors", "vocab.txt"] {
            try Data("{}".utf8).write(to: minilm.appending(path: file))
        }
        let run = try GlimpseProcess.run(["doctor", "--json"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                                   "GLIMPSE_DATA_DIR": home.appending(path: "data").path])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: String]])
        let byName = Dictionary(uniqueKeysWithValues: checks.map { ($0["name"] ?? "", $0["status"] ?? "") })
        #expect(byName["ONNX Runtime"] == "ok")
        #expect(byName["data directory"] == "ok")
        #expect(byName["model sentence-transformers/all-MiniLM-L6-v2"] == "ok")
        #expect(byName["model facebook/sam-vit-base"] == "warning")
    }

    @Test("a missing ONNX Runtime fails with the fix, and exit status 1")
    func missingRuntime() throws {
        let run = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_ORT_LIBRARY": "/nonexistent/libonnxruntime.so"])
        #expect(run.status == 1)
        #expect(run.output.contains("[FAIL] ONNX Runtime"))
        #expect(run.output.contains("/nonexistent/libonnxruntime.so"))
        #expect(run.output.contains("scripts/bootstrap"))
    }

    @Test("an unwritable data directory fails and names the variable to change")
    func unwritableData() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let blocker = home.appending(path: "file")
        try Data("x".utf8).write(to: blocker)
        // A regular file where a folder is needed: not creatable even for root.
        let run = try GlimpseProcess.run(["doctor"], environment: ["GLIMPSE_CACHE_DIR": home.appending(path: "cache").path,
                                                         "GLIMPSE_DATA_DIR": blocker.appending(path: "data").path])
        #expect(run.status == 1)
        #expect(run.output.contains("[FAIL] data directory"))
        #expect(run.output.contains("GLIMPSE_DATA_DIR"))
    }

    @Test("--version prints the version")
    func version() throws {
        let run = try GlimpseProcess.run(["--version"])
        #expect(run.status == 0)
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("--generate-completion-script writes each shell's completions of the subcommands", arguments: ["bash", "zsh", "fish"])
    func completionScript(shell: String) throws {
        let run = try GlimpseProcess.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        for subcommand in ["index", "search", "similar", "serve"] {
            #expect(run.output.contains(subcommand), "no \(subcommand) in the \(shell) script")
        }
    }
}
