import Foundation
import Testing

/// `glimpse describe`, `index`, `status` and `search` through the real binary with real (tiny, random) models: the
/// main job as a user runs it.
@Suite("glimpse describe, index and search with the tiny models")
struct TinyModelCommandTests {
    /// A temporary folder with `photos/`: two pictures, a damaged photo and a note.
    final class Library {
        let root = FileManager.default.temporaryDirectory.appending(path: "glimpse-cli-index-\(UUID().uuidString)")
        var photos: URL { root.appending(path: "photos") }
        var index: String { root.appending(path: "index.sqlite").path }

        init() throws {
            let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures")
            try FileManager.default.createDirectory(at: photos.appending(path: "trip"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-sam/reference_image.png"),
                                             to: photos.appending(path: "a.png"))
            try FileManager.default.copyItem(at: fixtures.appending(path: "tiny-clip/reference_image.png"),
                                             to: photos.appending(path: "trip/b.png"))
            try Data("this was a photo once".utf8).write(to: photos.appending(path: "broken.jpg"))
            try Data("shopping list".utf8).write(to: photos.appending(path: "notes.txt"))
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        /// The cache folder of these runs (compiled copies of WordNet and the tokenizers go there).
        var cache: URL { root.appending(path: "cache") }

        func glimpse(_ arguments: [String], cache: URL? = nil) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(arguments, environment: ["GLIMPSE_CACHE_DIR": (cache ?? self.cache).path])
        }

        func indexRun(_ extra: [String] = []) throws -> GlimpseProcess.Run {
            try glimpse(["index", photos.path, "--index", index] + TinyModelFolders.describeArguments + ["--points-per-side", "6"] + extra)
        }
    }

    @Test("index describes the pictures, reports the damaged photo and ignores the note; a second run skips them all")
    func indexAndStatus() throws {
        let library = try Library()
        let first = try library.indexRun()
        #expect(first.status == 1, "a failed file makes the exit status 1: \(first.output)")
        #expect(first.output.contains("2 described, 0 unchanged, 1 failed"), "\(first.output)")
        #expect(first.output.contains("broken.jpg: The file is not a JPEG, PNG"), "\(first.output)")
        #expect(!first.output.contains("notes.txt"), "\(first.output)")

        let status = try library.glimpse(["status", "--index", library.index])
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.contains("Images: 3 — 2 full, 0 quick, 0 pending, 1 failed"), "\(status.output)")
        #expect(status.output.contains("Embeddings: 2 image"), "\(status.output)")
        for model in ["captioner: tiny-blip", "segmenter: tiny-sam", "imageTextEmbedder: tiny-clip", "sentenceEmbedder: tiny-bert"] {
            #expect(status.output.contains(model), "\(status.output)")
        }

        let second = try library.indexRun()
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("0 described, 3 unchanged, 0 failed"), "\(second.output)")
    }

    @Test("search ranks the indexed pictures with every ranker, explains them, and finds a word of a caption")
    func search() throws {
        let library = try Library()
        _ = try library.indexRun()
        let all = try library.glimpse(["search", "a red cat", "--index", library.index, "--json"] + TinyModelFolders.searchArguments)
        #expect(all.status == 0, "\(all.output)")
        let results = try #require(try Self.results(all.output), "\(all.output)")
        #expect(Set(results.map(\.path)) == [library.photos.appending(path: "a.png").path,
                                             library.photos.appending(path: "trip/b.png").path])
        for result in results {
            #expect(Set(result.rankers).isSuperset(of: ["clip", "sentence"]), "\(all.output)")
        }

        // A word the tiny captioner wrote finds its picture by full text, as a matched term.
        let captioned = try #require(results.first { Self.longestWord($0.text) != nil }, "no caption has a word: \(all.output)")
        let word = try #require(Self.longestWord(captioned.text))
        let found = try library.glimpse(["search", word, "--index", library.index, "--json"] + TinyModelFolders.searchArguments)
        let top = try #require(try Self.results(found.output)?.first, "\(found.output)")
        #expect(top.path == captioned.path && top.matchedTerms.contains(word), "\(word): \(found.output)")
    }

    @Test("similar: an indexed picture by its stored embedding (no model loaded), another file embedded with CLIP, clear errors")
    func similar() throws {
        let library = try Library()
        _ = try library.indexRun()
        let a = library.photos.appending(path: "a.png").path, b = library.photos.appending(path: "trip/b.png").path
        func answer(_ run: GlimpseProcess.Run) throws -> [String: Any] {
            let start = try #require(run.output.firstIndex(of: "{"), "\(run.output)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.output[start...].utf8)) as? [String: Any])
        }
        func results(_ document: [String: Any]) -> [(path: String, similarity: Double)] {
            (document["results"] as? [[String: Any]] ?? []).map { ($0["path"] as? String ?? "", $0["similarity"] as? Double ?? .nan) }
        }

        let indexed = try library.glimpse(["similar", a, "--index", library.index, "--json", "--clip", "/no/model/here"])
        #expect(indexed.status == 0, "the stored embedding is used, no model is loaded: \(indexed.output)")
        let document = try answer(indexed)
        #expect(document["image"] is Int && results(document).map(\.path) == [b], "\(indexed.output)")

        let copy = library.root.appending(path: "copy.png")
        try FileManager.default.copyItem(atPath: a, toPath: copy.path)
        let outside = try library.glimpse(["similar", copy.path, "--index", library.index, "--json"] + TinyModelFolders.clipArguments)
        #expect(outside.status == 0, "\(outside.output)")
        let outsideAnswer = try answer(outside)
        #expect(outsideAnswer["image"] == nil)
        #expect(results(outsideAnswer).map(\.path) == [a, b], "\(outside.output)")
        #expect(results(outsideAnswer).first.map { $0.similarity > 0.999 } == true, "the same pixels: \(outside.output)")

        let plain = try library.glimpse(["similar", a, "--index", library.index])
        #expect(plain.output.contains("like: \(a) (indexed image") && plain.output.contains("  1. ") && plain.output.contains(b),
                "\(plain.output)")
        let strict = try library.glimpse(["similar", copy.path, "--index", library.index, "--min-similarity", "0.999", "--json"]
                                         + TinyModelFolders.clipArguments)
        #expect(results(try answer(strict)).map(\.path) == [a], "only the copy's original is that alike: \(strict.output)")
        let folder = try library.glimpse(["similar", library.photos.path, "--index", library.index])
        #expect(folder.status != 0 && folder.output.contains("is a folder"), "\(folder.output)")
        let missing = try library.glimpse(["similar", library.root.appending(path: "gone.png").path, "--index", library.index])
        #expect(missing.status != 0 && missing.output.contains("No file at"), "\(missing.output)")
        let broken = try library.glimpse(["similar", library.photos.appending(path: "broken.jpg").path, "--index", library.index]
                                         + TinyModelFolders.clipArguments)
        #expect(broken.status != 0 && broken.output.contains("is not a JPEG"), "indexed as failed, then not decodable: \(broken.output)")
    }

    @Test("search keeps compiled copies of WordNet and both tokenizers in the cache; reading them, or rebuilding damaged ones, answers the same")
    func compiledCopies() throws {
        let library = try Library()
        _ = try library.indexRun()
        let cache = library.root.appending(path: "search-cache")  // what search alone writes
        let compiled = cache.appending(path: "compiled")
        let arguments = ["search", "a red cat, no cartoon", "--index", library.index, "--json"] + TinyModelFolders.searchArguments
        func answer() throws -> [String] {
            let run = try library.glimpse(arguments, cache: cache)
            #expect(run.status == 0, "\(run.output)")
            return try #require(try Self.results(run.output), "\(run.output)").map { "\($0.path) \($0.rankers) \($0.matchedTerms)" }
        }
        let first = try answer()
        let names = try FileManager.default.contentsOfDirectory(atPath: compiled.path).sorted()
        #expect(names.count == 3, "\(names)")
        for prefix in ["clip-tokenizer-", "wordnet-", "wordpiece-"] {
            #expect(names.contains { $0.hasPrefix(prefix) && $0.hasSuffix("-v1.compiled") }, "\(prefix): \(names)")
        }
        let written = try names.map { try Data(contentsOf: compiled.appending(path: $0)) }
        #expect(try answer() == first)
        #expect(try names.map { try Data(contentsOf: compiled.appending(path: $0)) } == written, "read, not rewritten")
        for name in names { try Data("damaged".utf8).write(to: compiled.appending(path: name)) }
        #expect(try answer() == first)
        #expect(try names.map { try Data(contentsOf: compiled.appending(path: $0)) } == written, "rebuilt")
    }

    @Test("--batch sets how many photos a quick run describes together; the captions are the same one by one")
    func quickBatches() throws {
        let library = try Library()
        let together = try library.indexRun(["--quick", "--batch", "2"])
        #expect(together.output.contains("2 described"), "\(together.output)")
        let batched = try library.glimpse(["export", "--index", library.index])
        let single = library.root.appending(path: "single.sqlite").path
        let alone = try library.glimpse(["index", library.photos.path, "--index", single, "--quick", "--batch", "1"] + TinyModelFolders.describeArguments)
        #expect(alone.output.contains("2 described"), "\(alone.output)")
        let oneByOne = try library.glimpse(["export", "--index", single])
        func captions(_ export: String) -> [String] {
            export.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["caption"] as? String
            }
        }
        #expect(captions(batched.output).count == 2 && captions(batched.output) == captions(oneByOne.output), "\(batched.output)")
        let refused = try library.indexRun(["--quick", "--batch", "0"])
        #expect(refused.status != 0 && refused.output.contains("--batch is 1 to 64"), "\(refused.output)")
    }

    @Test("a quick pass, then a full pass enriches both pictures and keeps their quick captions")
    func quickThenFull() throws {
        let library = try Library()
        let quick = try library.indexRun(["--quick"])
        #expect(quick.output.contains("2 described"), "\(quick.output)")
        let quickStatus = try library.glimpse(["status", "--index", library.index])
        #expect(quickStatus.output.contains("0 full, 2 quick"), "\(quickStatus.output)")

        let full = try library.indexRun()
        #expect(full.output.contains("0 described, 2 enriched, 2 quick caption(s) kept"), "\(full.output)")
        let fullStatus = try library.glimpse(["status", "--index", library.index])
        #expect(fullStatus.output.contains("2 full, 0 quick"), "\(fullStatus.output)")
    }

    @Test("describe prints the description as JSON and draws the overlay; a damaged photo is a clear error")
    func describe() throws {
        let library = try Library()
        let overlay = library.root.appending(path: "overlay.png")
        let run = try library.glimpse(["describe", library.photos.appending(path: "a.png").path, "--json", "--overlay", overlay.path,
                                       "--points-per-side", "6"] + TinyModelFolders.describeArguments)
        #expect(run.status == 0, "\(run.output)")
        let start = try #require(run.output.firstIndex(of: "{"), "\(run.output)")
        let description = try #require(try JSONSerialization.jsonObject(with: Data(run.output[start...].utf8)) as? [String: Any])
        #expect(description["schemaVersion"] as? Int == 1 && description["mode"] as? String == "full")
        #expect((description["caption"] as? String)?.isEmpty == false, "\(run.output)")
        let stages = (description["timings"] as? [[String: Any]] ?? []).compactMap { $0["stage"] as? String }
        #expect(stages.starts(with: ["caption", "segmentation"]) && stages.contains("textEmbedding"), "\(stages)")
        // The overlay is a PNG of the picture's size (tiny-sam's reference image is 45 × 37).
        let png = [UInt8](try Data(contentsOf: overlay))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 24 && Array(png[16..<24]) == [0, 0, 0, 45, 0, 0, 0, 37])

        // --low-memory changes how the models hold memory, not the description (numbers up to rounding:
        // unpacked weights sum in another order).
        let lowMemory = try library.glimpse(["describe", library.photos.appending(path: "a.png").path, "--json", "--low-memory",
                                             "--points-per-side", "6"] + TinyModelFolders.describeArguments)
        let leanStart = try #require(lowMemory.output.firstIndex(of: "{"), "\(lowMemory.output)")
        let lean = try #require(try JSONSerialization.jsonObject(with: Data(lowMemory.output[leanStart...].utf8)) as? [String: Any])
        for field in ["caption", "text", "regions", "keywords", "embeddings"] {
            #expect(lean[field] != nil)
            #expect(Self.nearlyEqual(lean[field], description[field]), "\(field)")
        }

        let broken = try library.glimpse(["describe", library.photos.appending(path: "broken.jpg").path] + TinyModelFolders.describeArguments)
        #expect(broken.status != 0)
        #expect(broken.output.contains("The file is not a JPEG, PNG"), "\(broken.output)")

        // The pixel limit comes from the environment (a.png has 45 × 37 = 1,665 pixels).
        let limited = try GlimpseProcess.run(["describe", library.photos.appending(path: "a.png").path] + TinyModelFolders.describeArguments,
                                             environment: ["GLIMPSE_MAX_MEGAPIXELS": "0.001", "GLIMPSE_CACHE_DIR": library.cache.path])
        #expect(limited.status != 0)
        #expect(limited.output.contains("(1,665 pixels), more than the limit of 1,000 pixels") && limited.output.contains("GLIMPSE_MAX_MEGAPIXELS=1 "),
                "\(limited.output)")
    }

    @Test("describe takes several files: each description after its file's name, JSON a line each; a bad file is reported, the rest described")
    func describeSeveral() throws {
        let library = try Library()
        let a = library.photos.appending(path: "a.png").path, b = library.photos.appending(path: "trip/b.png").path
        let broken = library.photos.appending(path: "broken.jpg").path
        let arguments = ["--quick"] + TinyModelFolders.describeArguments
        let json = try GlimpseProcess.runSeparating(["describe", a, broken, b, "--json"] + arguments,
                                                    environment: ["GLIMPSE_CACHE_DIR": library.cache.path])
        #expect(json.status == 1, "a file that cannot be read fails the command: \(json.standardError)")
        #expect(json.standardError.contains("glimpse: \(broken): The file is not a JPEG, PNG"), "\(json.standardError)")
        let lines = json.standardOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(json.standardOutput)")
        let documents = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(documents.map { $0["file"] as? String } == [a, b])
        let captions = documents.compactMap { ($0["description"] as? [String: Any])?["caption"] as? String }
        #expect(captions.count == 2 && captions.allSatisfy { !$0.isEmpty })

        // The same captions as one file at a time (the models are loaded once, not changed by the first file).
        let alone = try library.glimpse(["describe", b, "--json"] + arguments)
        let start = try #require(alone.output.firstIndex(of: "{"), "\(alone.output)")
        let single = try #require(try JSONSerialization.jsonObject(with: Data(alone.output[start...].utf8)) as? [String: Any])
        #expect(single["caption"] as? String == captions.last, "one file alone prints the description itself, as before")

        let text = try library.glimpse(["describe", a, b] + arguments)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("\(a)\n") && text.output.contains("\(b)\n"), "\(text.output)")
        let overlay = try library.glimpse(["describe", a, b, "--overlay", library.root.appending(path: "o.png").path] + arguments)
        #expect(overlay.status != 0 && overlay.output.contains("--overlay draws over one image: give one file"), "\(overlay.output)")
    }

    struct Result {
        var path: String
        var text: String
        var rankers: [String]
        var matchedTerms: [String]
    }

    /// The results of `search --json` output.
    /// JSON values equal in structure and text, their numbers within 1e-5 (relative to the larger, at least 1).
    static func nearlyEqual(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { nearlyEqual(x[$0], y[$0]) }
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { nearlyEqual($0, $1) }
        case let (x as String, y as String):
            return x == y
        case let (x as NSNumber, y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            return abs(u - v) <= 1e-5 * max(1, abs(u), abs(v))
        default:
            return a == nil && b == nil
        }
    }

    static func results(_ output: String) throws -> [Result]? {
        guard let start = output.firstIndex(of: "{"),
              let document = try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any],
              let results = document["results"] as? [[String: Any]] else { return nil }
        return results.map { result in
            let explanation = result["explanation"] as? [String: Any] ?? [:]
            return Result(path: result["path"] as? String ?? "", text: result["text"] as? String ?? "",
                          rankers: (explanation["rankers"] as? [[String: Any]] ?? []).compactMap { $0["ranker"] as? String },
                          matchedTerms: explanation["matchedTerms"] as? [String] ?? [])
        }
    }

    /// The longest word of at least four letters in `text`, if any.
    static func longestWord(_ text: String) -> String? {
        text.split { !$0.isLetter }.map(String.init).filter { $0.count >= 4 }.max { $0.count < $1.count }
    }
}
