import Foundation
import GlimpseDescribe
import GlimpseImage
import Testing
@testable import GlimpseIndex

@Suite("Importing descriptions")
struct ImportTests {
    @Test("malformed lines are reported with their numbers and the rest is imported")
    func malformedLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("photos/a.png", red: 250, green: 0, blue: 0, width: 20, height: 10)
        let lines = [
            #"{"path": "photos/a.png", "caption": "a red flag", "regions": [{"caption": "a pole", "box": [1, 2, 3, 4]}]}"#,
            #"{"path": "/elsewhere/b.jpg", "caption": "a blue-collar worker on a cutting board", "keywords": ["worker", "blue-collar", "cutting board"]}"#,
            "",
            #"{"path": "c.jpg"}"#,
            "not json at all",
            #"{"path": "d.jpg", "caption": "a dog", "regions": [{"caption": "a ball", "box": [1, 2, 3]}]}"#,
            #"{"path": "e.jpg", "caption": 42}"#,
            #"{"path": "", "caption": "nothing"}"#,
            #"{"path": "f.jpg", "caption": "a cat on a mat"}"#,
            "   ",
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.file("set.jsonl"))
        let store = try SQLiteIndexStore.inMemory()
        let report = try store.importDescriptions(
            from: folder.file("set.jsonl"),
            options: ImportOptions(keywords: FakeKeywords(), sentences: FakeSentences(), imageText: FakeImageText(), batchSize: 2))
        #expect(report.imported == 3)
        #expect(report.malformed.map(\.line) == [4, 5, 6, 7, 8])
        #expect(report.malformed[0].message.contains("caption"))
        #expect(report.malformed[2].message.contains("box"))
        #expect(report.filesFound == 1 && report.imageEmbeddings == 1 && report.textEmbeddings == 3)

        let flag = try #require(try store.image(atPath: folder.file("photos/a.png").path))
        #expect(flag.status == .full && flag.facts.contentHash != nil && flag.facts.size != nil)
        let document = try #require(try store.searchDocuments([flag.id]).first)
        #expect(document.text == "a red flag. a pole")
        #expect(document.regions == [SearchRegion(box: PixelBox(x: 1, y: 2, width: 3, height: 4), caption: "a pole")])
        #expect(document.keywords == ["red", "flag", "pole"])  // from the injected extractor

        let worker = try #require(try store.image(atPath: "/elsewhere/b.jpg"))
        let workerDocument = try #require(try store.searchDocuments([worker.id]).first)
        #expect(workerDocument.compounds == ["blue-collar", "cutting-board"])
        #expect(workerDocument.keywords == ["worker", "blue", "collar", "cutting", "board"])
        let compound = try #require(FullTextExpression(anyOf: [], compounds: ["blue collar"]))
        #expect(try store.fullTextMatches(compound, limit: 5).map(\.image) == [worker.id])

        #expect(try store.embeddingMatrix(.text).rows == 3)
        #expect(try store.embeddingMatrix(.image).rowImages == [flag.id])

        // Importing again replaces, never duplicates.
        let again = try store.importDescriptions(from: folder.file("set.jsonl"))
        #expect(again.imported == 3 && again.replaced == 3)
        #expect(try store.describedImageCount() == 3)
        #expect(try store.embeddingMatrix(.text).rows == 0)  // this time without a sentence encoder
    }

    @Test("a line may say when the photo was taken: a date, a month or a year; anything else is a malformed line")
    func takenDates() throws {
        let lines = [
            #"{"path": "/scans/a.jpg", "caption": "a wedding", "taken": "1987"}"#,
            #"{"path": "/scans/b.jpg", "caption": "a birthday", "taken": "1991-06"}"#,
            #"{"path": "/p/c.jpg", "caption": "a beach", "taken": "2019-07-14T15:02:11"}"#,
            #"{"path": "/p/d.jpg", "caption": "a lake", "taken": "2019:07:15 10:00:00"}"#,
            #"{"path": "/p/e.jpg", "caption": "a dog", "taken": "yesterday"}"#,
            #"{"path": "/p/f.jpg", "caption": "a cat", "taken": "2019-13"}"#,
        ]
        let store = try SQLiteIndexStore.inMemory()
        let report = try store.importDescriptions(jsonLines: Data(lines.joined(separator: "\n").utf8))
        #expect(report.imported == 4 && report.malformed.map(\.line) == [5, 6])
        #expect(report.malformed.first?.message.contains("\"taken\" must be a date") == true)
        let taken = try ["/scans/a.jpg", "/scans/b.jpg", "/p/c.jpg", "/p/d.jpg"].map { try store.image(atPath: $0)?.facts.taken }
        #expect(taken == ["1987", "1991-06", "2019-07-14T15:02:11", "2019-07-15T10:00:00"])
        #expect(try store.imageIDs(taken: try #require(TakenRange("1980..1989"))).count == 1)
    }

    @Test("imported images without a file survive an index run over their folder")
    func importedWithoutFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a.png", red: 250, green: 0, blue: 0)
        let store = try SQLiteIndexStore.inMemory()
        let jsonl = #"{"path": "a.png", "caption": "a human caption"}"# + "\n" + #"{"path": "gone.png", "caption": "no file"}"#
        let report = try store.importDescriptions(jsonLines: Data(jsonl.utf8), options: ImportOptions(baseDirectory: folder.url))
        #expect(report.imported == 2 && report.filesFound == 1)
        let describer = FakeDescriber()
        let run = try await Indexer(store: store, describer: describer).run([folder.path])
        #expect(run.processed == 0 && run.removed == 0 && describer.callCount == 0)
        #expect(try store.describedImageCount() == 2)
    }

    @Test("without image embeddings, the image's size still comes from its file's header: regions without a box cover it")
    func sizeFromHeader() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.writePNG("a.png", red: 250, green: 0, blue: 0, width: 20, height: 10)
        let store = try SQLiteIndexStore.inMemory()
        let jsonl = #"{"path": "a.png", "caption": "a red flag", "regions": [{"caption": "the whole flag"}]}"# + "\n"
            + #"{"path": "gone.png", "caption": "no file", "regions": [{"caption": "unknown"}]}"#
        _ = try store.importDescriptions(jsonLines: Data(jsonl.utf8), options: ImportOptions(baseDirectory: folder.url))
        let flag = try #require(try store.image(atPath: folder.file("a.png").path))
        let description = try #require(try store.description(of: flag.id))
        #expect(description.imageSize == PixelSize(width: 20, height: 10))
        #expect(description.regions.map(\.box) == [PixelBox(x: 0, y: 0, width: 20, height: 10)])
        let gone = try #require(try store.image(atPath: folder.file("gone.png").path))
        #expect(try store.description(of: gone.id)?.imageSize == PixelSize(width: 0, height: 0), "no file, no size")
    }

    @Test("an unreadable import file is a clear error")
    func missingFile() throws {
        let store = try SQLiteIndexStore.inMemory()
        let error = try #require(throws: IndexError.self) { try store.importDescriptions(from: URL(filePath: "/nonexistent/x.jsonl")) }
        #expect(error.localizedDescription.contains("JSON Lines"))
    }
}
