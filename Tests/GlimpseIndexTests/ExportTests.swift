import Foundation
import GlimpseDescribe
import GlimpseImage
import Testing
@testable import GlimpseIndex

@Suite("Exporting descriptions")
struct ExportTests {
    /// Every line an export writes, decoded as JSON objects.
    static func export(_ store: SQLiteIndexStore, _ options: ExportOptions = ExportOptions()) throws
        -> (report: ExportReport, lines: [[String: Any]], data: Data) {
        var data = Data()
        let report = try store.exportDescriptions(options: options) { data.append($0) }
        let lines = try data.split(separator: UInt8(ascii: "\n")).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
        return (report, lines, data)
    }

    /// A full description with a kept and a dropped region, a quick one, a pending and a failed image.
    static func library() throws -> SQLiteIndexStore {
        let store = try SQLiteIndexStore.inMemory()
        var dog = sampleDescription(caption: "a brown dog on a couch", regions: ["a blue collar"],
                                    keywords: ["dog", "couch", "collar"], compounds: ["blue-collar"], image: [1, 0, 0])
        dog.regions.append(DescribedRegion(box: PixelBox(x: 1, y: 2, width: 3, height: 4), area: 12, stability: 0.9,
                                           caption: "a couch", score: 0.1, status: .lostToCaption))
        dog.models = [ModelStamp(role: .captioner, identifier: "Salesforce/blip-image-captioning-base", revision: "abc")]
        try store.saveDescription(dog, for: FileFacts(path: "/photos/2024/dog.jpg", size: 10, modified: 1, contentHash: "hash-dog"))
        var cat = sampleDescription(caption: "a cat on a mat", keywords: ["cat", "mat"])
        cat.mode = .quick
        try store.saveDescription(cat, for: FileFacts(path: "/photos/cat.jpg", size: 5, modified: 1))
        try store.addPending([FileFacts(path: "/photos/2024/new.jpg", size: 1, modified: 1)])
        try store.recordFailure("not an image", for: FileFacts(path: "/photos/broken.jpg", size: 1, modified: 1))
        return store
    }

    @Test("one line per described image in path order, with what import reads; pending and failed images are counted")
    func lines() throws {
        let store = try Self.library()
        let (report, lines, data) = try Self.export(store)
        #expect(report == { var r = ExportReport(); r.exported = 2; r.pending = 1; r.failed = 1; return r }())
        #expect(lines.map { $0["path"] as? String } == ["/photos/2024/dog.jpg", "/photos/cat.jpg"])
        let dog = lines[0]
        #expect(dog["caption"] as? String == "a brown dog on a couch")
        #expect(dog["text"] as? String == "a brown dog on a couch. a blue collar")
        #expect(dog["keywords"] as? [String] == ["dog", "couch", "collar", "blue-collar"])
        let regions = try #require(dog["regions"] as? [[String: Any]])
        #expect(regions.count == 1, "the region not selected is left out")
        #expect(regions.first?["caption"] as? String == "a blue collar" && regions.first?["box"] as? [Int] == [0, 0, 10, 10])
        #expect(dog["mode"] as? String == "full" && lines[1]["mode"] as? String == "quick")
        #expect(dog["width"] as? Int == 64 && dog["height"] as? Int == 48 && dog["contentHash"] as? String == "hash-dog")
        #expect(lines[1]["contentHash"] == nil)
        let models = try #require(dog["models"] as? [[String: Any]])
        #expect(models.first?["identifier"] as? String == "Salesforce/blip-image-captioning-base")
        #expect(dog["description"] == nil, "the whole description only when asked for")
        #expect(String(decoding: data, as: UTF8.self).hasPrefix(#"{"caption":"#), "keys are sorted")
    }

    @Test("an export imports into another index with the same text, regions and keywords")
    func roundTrip() throws {
        let store = try Self.library()
        try store.recordDatesTaken([(try #require(try store.image(atPath: "/photos/2024/dog.jpg")).id, "2019-07-14T15:02:11")])
        let (_, _, data) = try Self.export(store)
        let copy = try SQLiteIndexStore.inMemory()
        let report = try copy.importDescriptions(jsonLines: data)
        #expect(report.imported == 2 && report.malformed.isEmpty)
        for path in ["/photos/2024/dog.jpg", "/photos/cat.jpg"] {
            let original = try #require(try store.image(atPath: path))
            let imported = try #require(try copy.image(atPath: path))
            let before = try #require(try store.searchDocuments([original.id]).first)
            let after = try #require(try copy.searchDocuments([imported.id]).first)
            #expect(after.text == before.text)
            #expect(after.regions == before.regions)
            #expect(after.compounds == before.compounds)
            #expect(Set(after.keywords).isSuperset(of: before.keywords), "a compound's words join the keywords on import")
            #expect(after.taken == before.taken, "\(path)")
        }
        #expect(try copy.image(atPath: "/photos/2024/dog.jpg")?.facts.taken == "2019-07-14T15:02:11")
    }

    @Test("only the images under the given folders; paths under a folder relative to it")
    func scopeAndRelativePaths() throws {
        let store = try Self.library()
        let scoped = try Self.export(store, ExportOptions(places: ["/photos/2024", "/photos/cat.jpg"]))
        #expect(scoped.lines.map { $0["path"] as? String } == ["/photos/2024/dog.jpg", "/photos/cat.jpg"])
        #expect(scoped.report.pending == 1 && scoped.report.failed == 0, "counts cover the scope only")
        let folder = try Self.export(store, ExportOptions(places: ["/photos/2024/"]))
        #expect(folder.lines.map { $0["path"] as? String } == ["/photos/2024/dog.jpg"])
        #expect(try Self.export(store, ExportOptions(places: ["/photos/20"])).report.exported == 0, "a prefix is not a folder")

        let relative = try Self.export(store, ExportOptions(relativeTo: "/photos/2024"))
        #expect(relative.lines.map { $0["path"] as? String } == ["dog.jpg", "/photos/cat.jpg"])
    }

    @Test("only the photos taken within a span, each line with its date")
    func takenSpan() throws {
        let store = try Self.library()
        let dog = try #require(try store.image(atPath: "/photos/2024/dog.jpg"))
        let cat = try #require(try store.image(atPath: "/photos/cat.jpg"))
        try store.recordDatesTaken([(dog.id, "2019-07-14T15:02:11"), (cat.id, "")])
        let span = try Self.export(store, ExportOptions(taken: TakenRange("2019")))
        #expect(span.lines.map { $0["path"] as? String } == ["/photos/2024/dog.jpg"])
        #expect(span.lines.first?["taken"] as? String == "2019-07-14T15:02:11")
        #expect(try Self.export(store, ExportOptions(taken: TakenRange("2020.."))).report.exported == 0)
        let all = try Self.export(store)
        #expect(all.lines.count == 2 && all.lines[1]["taken"] == nil, "no date: no key")
    }

    @Test("only the photos rated enough or taken within an area; pending and failed ones counted under the same filters")
    func ratingAndArea() throws {
        let store = try Self.library()
        let paris = try #require(PhotoLocation(latitude: 48.8584, longitude: 2.2945))
        let rio = try #require(PhotoLocation(latitude: -22.9519, longitude: -43.2105))
        var records: [(image: ImageID, tags: PhotoTags, stamp: String)] = []
        for (path, rating, location) in [("/photos/2024/dog.jpg", 4, paris), ("/photos/cat.jpg", 2, rio),
                                         ("/photos/2024/new.jpg", 5, paris)] {
            let image = try #require(try store.image(atPath: path))
            records.append((image.id, PhotoTags(rating: rating, location: location), "stamp"))
        }
        try store.recordTags(records)
        func paths(_ options: ExportOptions) throws -> (paths: [String], pending: Int, failed: Int) {
            let result = try Self.export(store, options)
            return (result.lines.compactMap { $0["path"] as? String }, result.report.pending, result.report.failed)
        }
        let rated = try paths(ExportOptions(minimumRating: 3))
        #expect(rated.paths == ["/photos/2024/dog.jpg"] && rated.pending == 1 && rated.failed == 0)
        #expect(try paths(ExportOptions(minimumRating: 1)).paths == ["/photos/2024/dog.jpg", "/photos/cat.jpg"])
        // 3.2 km from the tower: inside 4 km, outside 3; the bounding box alone would let a corner in.
        let louvre = try #require(PhotoLocation(latitude: 48.8606, longitude: 2.3376))
        let near = try paths(ExportOptions(near: NearbyArea(center: louvre, kilometres: 4)))
        #expect(near.paths == ["/photos/2024/dog.jpg"] && near.pending == 1 && near.failed == 0)
        let far = try paths(ExportOptions(near: NearbyArea(center: louvre, kilometres: 3)))
        #expect(far.paths.isEmpty && far.pending == 0 && far.failed == 0)
        let corner = try #require(PhotoLocation(latitude: 48.8584 + 0.026, longitude: 2.2945 + 0.039))  // ~4.1 km away
        #expect(try paths(ExportOptions(near: NearbyArea(center: corner, kilometres: 3.5))).paths.isEmpty)
        #expect(try paths(ExportOptions(near: NearbyArea(center: corner, kilometres: 4.5))).paths == ["/photos/2024/dog.jpg"])
        let both = try paths(ExportOptions(minimumRating: 2, near: NearbyArea(center: rio, kilometres: 1)))
        #expect(both.paths == ["/photos/cat.jpg"] && both.pending == 0)
        #expect(try paths(ExportOptions(minimumRating: 3, near: NearbyArea(center: rio, kilometres: 1))).paths.isEmpty)
    }

    @Test("the whole stored description on request, dropped regions included")
    func fullDescriptions() throws {
        let (_, lines, _) = try Self.export(try Self.library(), ExportOptions(fullDescriptions: true))
        let whole = try #require(lines[0]["description"] as? [String: Any])
        #expect((whole["regions"] as? [Any])?.count == 2)
        #expect(whole["schemaVersion"] as? Int == Description.currentSchemaVersion)
    }

    @Test("a stored description that cannot be decoded is counted and the others are exported")
    func damagedRow() throws {
        let store = try Self.library()
        try store.write("test") {
            try $0.execute(sql: "UPDATE description SET json = '{\"not\": \"a description\"}' WHERE caption = 'a cat on a mat'")
        }
        let (report, lines, _) = try Self.export(store)
        #expect(report.exported == 1 && report.undecodable == 1)
        #expect(lines.map { $0["path"] as? String } == ["/photos/2024/dog.jpg"])
    }

    struct SinkFull: Error {}

    @Test("an error of the writer stops the export and comes back as it was thrown")
    func writerError() throws {
        let store = try Self.library()
        var calls = 0
        #expect(throws: SinkFull.self) {
            _ = try store.exportDescriptions { _ in
                calls += 1
                throw SinkFull()
            }
        }
        #expect(calls == 1)
    }

    @Test("the export is one snapshot: an image saved while it is written is not in it")
    func snapshot() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        for index in 0..<3 {
            try store.saveDescription(sampleDescription(caption: "photo \(index)"), for: FileFacts(path: "/p/\(index).jpg"))
        }
        var written: [Data] = []
        let report = try store.exportDescriptions { line in
            if written.isEmpty {
                try store.saveDescription(sampleDescription(caption: "late"), for: FileFacts(path: "/p/9.jpg"))
            }
            written.append(line)
        }
        #expect(report.exported == 3 && written.count == 3)
        #expect(try Self.export(store).report.exported == 4)
    }
}
