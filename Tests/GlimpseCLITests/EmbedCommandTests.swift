import Foundation
import Testing

@Suite("glimpse embed sentence")
struct EmbedSentenceCommandTests {
    private var modelFolder: String { GlimpseProcess.packageRoot.appending(path: ".deps/test-data/all-MiniLM-L6-v2").path }

    @Test("prints one JSON document per text with a unit-length 384-dimensional vector")
    func json() throws {
        let run = try GlimpseProcess.run(["embed", "sentence", "a puppy", "a knife", "--model", modelFolder, "--json"])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let vector = try #require(document["embedding"] as? [Double])
            #expect(vector.count == 384)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
    }

    @Test("a missing model folder is a clear error, not a crash")
    func missingModel() throws {
        let run = try GlimpseProcess.run(["embed", "sentence", "x"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("sentence-transformers/all-MiniLM-L6-v2"))
        #expect(run.output.contains("--model"))
    }
}

@Suite("glimpse embed text")
struct EmbedTextCommandTests {
    @Test("without the CLIP model: names the model, the folder and the option")
    func missingModel() throws {
        let run = try GlimpseProcess.run(["embed", "text", "a cat"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("openai/clip-vit-base-patch32"))
        #expect(run.output.contains("/nonexistent-glimpse-cache/models/openai--clip-vit-base-patch32"))
        #expect(run.output.contains("--clip"))
    }

    @Test("a folder that is not a CLIP model is a clear error")
    func notAModel() throws {
        let run = try GlimpseProcess.run(["embed", "text", "a cat", "--clip", "/nonexistent-folder"])
        #expect(run.status != 0)
        #expect(run.output.contains("/nonexistent-folder"))
    }
}

@Suite("glimpse embed image and rank")
struct EmbedImageCommandTests {
    private var tinyCLIP: URL { GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-clip") }

    @Test("prints a unit-length vector per image, and reports a broken file without stopping")
    func embedsAndReportsBrokenFiles() throws {
        let image = tinyCLIP.appending(path: "reference_image.png").path
        let broken = tinyCLIP.appending(path: "config.json").path
        let run = try GlimpseProcess.run(["embed", "image", image, broken, image, "--clip", tinyCLIP.path, "--json"])
        #expect(run.status == 1)
        let documents = run.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(documents.count == 2)
        for document in documents {
            let vector = try #require(document["embedding"] as? [Double])
            #expect(vector.count == 20)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        #expect(run.output.contains("config.json"))
    }

    @Test("more files than one run: every good file printed once, in the order given")
    func manyFilesInOrder() throws {
        // More than a run of 8 images, with a broken file inside the first run.
        let list = try ImageFileList(copiesOf: tinyCLIP.appending(path: "reference_image.png"), count: 11, broken: [3])
        defer { list.remove() }
        let run = try GlimpseProcess.run(["embed", "image"] + list.files + ["--clip", tinyCLIP.path, "--json"])
        #expect(run.status == 1)
        #expect(ImageFileList.printedFiles(run.output) == list.goodFiles)
        #expect(run.output.contains("broken-3.png"))
    }

    @Test("rank without the CLIP model names the model and the option")
    func rankMissingModel() throws {
        let run = try GlimpseProcess.run(["rank", "x.jpg", "a cat", "a dog"], environment: ["GLIMPSE_CACHE_DIR": "/nonexistent-glimpse-cache"])
        #expect(run.status != 0)
        #expect(run.output.contains("openai/clip-vit-base-patch32"))
        #expect(run.output.contains("--clip"))
    }

    @Test("rank with a model that has no tokenizer says which files are missing")
    func rankWithoutTokenizer() throws {
        let run = try GlimpseProcess.run(["rank", tinyCLIP.appending(path: "reference_image.png").path, "a cat", "--clip", tinyCLIP.path])
        #expect(run.status != 0)
        #expect(run.output.contains("vocab.json"))
    }
}
