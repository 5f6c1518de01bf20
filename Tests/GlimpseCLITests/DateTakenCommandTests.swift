import Foundation
import Testing

/// `glimpse index` records when photos were taken; `glimpse search --taken` and `glimpse export` use it.
@Suite("glimpse search --taken")
struct DateTakenCommandTests {
    @Test("index the dated fixtures, search one year, and refuse a span that is not one")
    func searchByDate() throws {
        let library = try PhotoLibrary("taken")
        defer { library.remove() }
        let (photos, index) = (library.photos, library.index)
        for name in ["original.jpg", "ifd0_only.jpg", "no_exif.jpg", "original.png"] {
            try library.add("dates/\(name)", as: name)
        }
        let environment = ["GLIMPSE_TEST_DESCRIBER": "colour"]
        let indexed = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(indexed.status == 0 && indexed.output.contains("4 described"), "\(indexed.output)")

        let search = try GlimpseProcess.run(["search", "red square", "--text-only", "--taken", "2019", "--index", index])
        #expect(search.status == 0, "\(search.output)")
        #expect(search.output.contains("original.jpg  (taken 2019-07-14 15:02:11)"), "\(search.output)")
        #expect(!search.output.contains("ifd0_only.jpg") && !search.output.contains("no_exif.jpg"), "\(search.output)")
        #expect(search.output.contains("Searched the photos taken in 2019: 1 indexed image(s)."), "\(search.output)")

        let span = try GlimpseProcess.run(["search", "square", "--text-only", "--taken", "2016..2018", "--index", index])
        #expect(span.output.contains("ifd0_only.jpg") && span.output.contains("original.png") && !span.output.contains("original.jpg"),
                "\(span.output)")

        let words = try GlimpseProcess.run(["search", "square", "--text-only", "--taken", "between 2016 and 2018", "--index", index])
        #expect(words.output.contains("ifd0_only.jpg") && words.output.contains("original.png") && !words.output.contains("original.jpg"),
                "--taken also takes a date said in words: \(words.output)")
        // A date alone lists the photos taken then, in the order taken, with nothing ranked to explain.
        let alone = try GlimpseProcess.runSeparating(["search", "photos from 2016 to 2018", "--text-only", "--index", index])
        let listed = alone.standardOutput.split(separator: "\n").filter { $0.contains(". 1.0000  ") }
        #expect(alone.status == 0 && listed.count == 2 && listed.allSatisfy { $0.contains("(taken 201") }, "\(alone.standardOutput)")
        #expect(listed.map { $0.split(separator: "(taken ").last ?? "" } == listed.map { $0.split(separator: "(taken ").last ?? "" }.sorted(),
                "oldest first: \(listed)")
        #expect(!alone.standardOutput.contains("\n     \n"), "no empty explanation line: \(alone.standardOutput)")
        #expect(alone.standardError.contains("Nothing to look for but the date"), "\(alone.standardError)")
        // No query but a folder: its photos in the order taken, the undated ones last.
        let folder = try GlimpseProcess.run(["search", "", "--in", photos.path, "--text-only", "--limit", "50", "--index", index])
        #expect(folder.status == 0 && folder.output.contains("query: nothing to look for"), "\(folder.output)")
        let order = folder.output.split(separator: "\n").filter { $0.contains(". 1.0000  ") }
        let firstUndated = order.firstIndex { !$0.contains("(taken ") } ?? order.endIndex
        #expect(firstUndated > 0 && order[firstUndated...].allSatisfy { !$0.contains("(taken ") }, "\(folder.output)")
        let newest = try GlimpseProcess.run(["search", "", "--in", photos.path, "--text-only", "--newest-first", "--index", index])
        let newestDates = newest.output.split(separator: "\n").filter { $0.contains(". 1.0000  ") }.compactMap { $0.split(separator: "(taken ").last }
        #expect(newestDates.count >= 2 && newestDates == newestDates.sorted(by: >), "\(newest.output)")
        let recent = try GlimpseProcess.run(["search", "square", "--text-only", "--taken", "last summer", "--index", index])
        #expect(recent.status == 0 && recent.output.contains("No indexed photo records a date taken in 20"), "\(recent.output)")
        let bad = try GlimpseProcess.run(["search", "square", "--text-only", "--taken", "some summer", "--index", index])
        #expect(bad.status != 0 && bad.output.contains("--taken takes a year, month or day"), "\(bad.output)")

        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains("Dates taken: 3 image(s), from 2016-12-31 to 2019-07-14"), "\(status.output)")

        let export = try GlimpseProcess.run(["export", "--index", index])
        #expect(export.output.contains(#""taken":"2019-07-14T15:02:11""#), "\(export.output)")
        let exported2019 = try GlimpseProcess.runSeparating(["export", "--taken", "2019", "--index", index])
        #expect(exported2019.status == 0 && exported2019.standardOutput.split(separator: "\n").count == 1, "\(exported2019)")
        let none = try GlimpseProcess.run(["export", "--taken", "1990", "--index", index])
        #expect(none.status == 1 && none.output.contains("No described photo matches the filters (taken in 1990)."), "\(none.output)")
    }
}
