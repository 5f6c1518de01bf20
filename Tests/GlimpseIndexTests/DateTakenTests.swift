import Foundation
import GRDB
import Synchronization
import Testing
@testable import GlimpseIndex

@Suite("When photos were taken: spans of dates")
struct TakenRangeTests {
    @Test("years, months, days and spans of them; anything else is refused")
    func parsing() throws {
        let year = try #require(TakenRange("2019"))
        #expect(year.contains("2019-01-01T00:00:00") && year.contains("2019-12-31T23:59:59") && year.contains("2019-07-04"))
        #expect(!year.contains("2018-12-31T23:59:59") && !year.contains("2020-01-01T00:00:00") && !year.contains(""))
        let summer = try #require(TakenRange("2019-06..2019-08"))
        #expect(summer.contains("2019-06-01T00:00:00") && summer.contains("2019-08-31T23:59:59"))
        #expect(!summer.contains("2019-05-31T23:59:59") && !summer.contains("2019-09-01T00:00:00"))
        let day = try #require(TakenRange(" 2019-06-14 "))
        #expect(day.contains("2019-06-14T08:00:00") && !day.contains("2019-06-15T00:00:00") && day.description == "2019-06-14")
        let before = try #require(TakenRange("..2010"))
        #expect(before.contains("1999-01-01T00:00:00") && before.contains("2010-12-31") && !before.contains("2011-01-01"))
        #expect(!before.contains(""), "a photo without a date is in no span")
        let after = try #require(TakenRange("2020.."))
        #expect(after.contains("2031-01-01T00:00:00") && !after.contains("2019-12-31T23:59:59") && after.description == "2020..")
        #expect(TakenRange("2019-06..2019")?.contains("2019-12-01") == true, "June 2019 to the end of 2019")
        for bad in ["", "..", "19", "2019-13", "2019-6", "2019-06-32", "2019/06", "2020..2019", "last summer", "2019..2020..2021",
                    "२०१९", "2019-06-14T10:00"] {
            #expect(TakenRange(bad) == nil, "\(bad)")
        }
        let encoded = try JSONEncoder().encode(summer)
        #expect(String(decoding: encoded, as: UTF8.self) == #""2019-06..2019-08""#)
        #expect(try JSONDecoder().decode(TakenRange.self, from: encoded) == summer)
    }
}

@Suite("When photos were taken: the index")
struct DateTakenIndexingTests {
    /// The photos of `Tests/GlimpseImageTests/Fixtures/dates` (made by Tools/fixtures/make_date_fixtures.py).
    static func datedPhoto(_ name: String) throws -> Data { try imageFixture("dates/\(name)") }

    @Test("an index run records each photo's date; an index from before reads the dates of unchanged files once")
    func indexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for name in ["original.jpg", "ifd0_only.jpg", "no_exif.jpg", "original.heic"] {
            try Self.datedPhoto(name).write(to: folder.file(name))
        }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let indexer = Indexer(store: store, describer: FakeDescriber())
        let first = try await indexer.run([folder.path])
        #expect(first.described == 4 && first.datesRead == 0)
        let expected = ["original.jpg": "2019-07-14T15:02:11", "ifd0_only.jpg": "2018-03-04T05:06:07", "no_exif.jpg": "",
                        "original.heic": "2022-08-09T10:11:12"]
        func dates() throws -> [String: String?] {
            Dictionary(uniqueKeysWithValues: try expected.keys.map { name in
                (name, try store.image(atPath: folder.file(name).path)?.facts.taken)
            })
        }
        #expect(try dates() == expected)

        // An index made before dates were stored: every takenAt is NULL, and the files are unchanged.
        try store.write("test") { try $0.execute(sql: "UPDATE image SET takenAt = NULL") }
        #expect(try store.imageIDs(taken: try #require(TakenRange("2019"))).isEmpty)
        let events = Mutex<[IndexEvent]>([])
        let second = try await indexer.run([folder.path]) { event in
            if case .readingDates = event { events.withLock { $0.append(event) } }
        }
        #expect(second.datesRead == 4 && second.described == 0 && second.plan.unchanged == 4)
        #expect(events.withLock { $0 } == [.readingDates(done: 0, total: 4), .readingDates(done: 4, total: 4)])
        #expect(try dates() == expected)
        let third = try await indexer.run([folder.path])
        #expect(third.datesRead == 0, "read once")

        let in2019 = try store.imageIDs(taken: try #require(TakenRange("2019")))
        #expect(in2019 == [try #require(try store.image(atPath: folder.file("original.jpg").path)).id])
        #expect(try store.imageIDs(taken: try #require(TakenRange("2018..2019"))).count == 2)
        #expect(try store.imageIDs(taken: try #require(TakenRange("..2030"))).count == 3, "the photo without a date is in no span")
        // In the order taken: over a span, over the whole index (the undated apart), and over some images.
        let id = { (name: String) in try #require(try store.image(atPath: folder.file(name).path)).id }
        let ordered = try store.imageIDs(taken: try #require(TakenRange("..2030")))
        let dated = try store.imageIDsInTakenOrder()
        #expect(dated.dated == ordered && dated.dated.count == 3 && dated.undated.count == 1)
        #expect(try store.imageIDs(taken: try #require(TakenRange("2018..2019"))) == [try id("ifd0_only.jpg"), try id("original.jpg")],
                "2018 before 2019")
        let some = try store.imageIDsInTakenOrder(among: [dated.undated[0], dated.dated[2], dated.dated[0], 999_999])
        #expect(some.dated == [dated.dated[0], dated.dated[2]] && some.undated == dated.undated, "unknown ids are left out")
        let documents = try store.searchDocuments(try store.imageIDs(under: [folder.path]))
        #expect(Set(documents.compactMap(\.taken)) == ["2019-07-14T15:02:11", "2018-03-04T05:06:07", "2022-08-09T10:11:12"])
        #expect(try store.summary().dated == IndexSummary.DatedImages(images: 3, earliest: "2018-03-04T05:06:07", latest: "2022-08-09T10:11:12"))
    }

    @Test("a file without an EXIF date takes the one its name says; EXIF wins over the name")
    func fromFileNames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let shared = try folder.writePNG("IMG-20200102-WA0001.png", red: 200, green: 10, blue: 10)
        let plain = try folder.writePNG("cat.png", red: 10, green: 200, blue: 10)
        let named = folder.file("IMG_20010101_000000.jpg")
        try Self.datedPhoto("original.jpg").write(to: named)
        let store = try SQLiteIndexStore.inMemory()
        _ = try await Indexer(store: store, describer: FakeDescriber()).run([folder.path])
        #expect(try store.image(atPath: shared)?.facts.taken == "2020-01-02")
        #expect(try store.image(atPath: plain)?.facts.taken == "")
        #expect(try store.image(atPath: named.path)?.facts.taken == "2019-07-14T15:02:11")
    }

    @Test("an index of schema v3 gains the column, its images undated until a run reads them")
    func migratesVersion3() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("index.sqlite")
        try makeEarlierIndex(at: url, upTo: "v3", imageAt: "/p/old.jpg", status: .full)
        let store = try SQLiteIndexStore(url: url)
        let old = try #require(try store.image(atPath: "/p/old.jpg"))
        #expect(old.facts.taken == nil)
        try store.recordDatesTaken([(old.id, "2001-02-03T04:05:06")])
        #expect(try store.image(atPath: "/p/old.jpg")?.facts.taken == "2001-02-03T04:05:06")
    }
}
