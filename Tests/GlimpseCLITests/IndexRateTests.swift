import Testing
@testable import glimpse

/// The progress bar's speed and time left, files saved one by one and described in batches.
@Suite("index progress rate")
struct IndexRateTests {
    @Test("files saved one by one: the rate over the run so far")
    func oneByOne() {
        var rate = IndexRate()
        rate.start(total: 24)
        #expect(rate.text(afterSeconds: 2) == nil, "nothing done yet")
        for index in 0..<8 { rate.saved(index: index, total: 24) }
        #expect(rate.done == 8)
        #expect(rate.text(afterSeconds: 5.3) == "1.5 img/s, ETA 0:11")
        rate.start(total: 3)
        rate.saved(index: 0, total: 3)
        #expect(rate.text(afterSeconds: 4) == "4.0 s/img, ETA 0:08")
    }

    @Test("a batch described together counts whole, not one file at a time as it is saved")
    func batch() {
        var rate = IndexRate()
        rate.start(total: 24)
        rate.describedAhead(Array(0..<8), total: 24)
        for index in 0..<8 { rate.saved(index: index, total: 24) }
        // The second batch's descriptions exist at 8.4 s; its first file is saved right after.
        rate.describedAhead(Array(8..<16), total: 24)
        rate.saved(index: 8, total: 24)
        #expect(rate.done == 16)
        #expect(rate.text(afterSeconds: 8.4) == "1.9 img/s, ETA 0:04")
        for index in 9..<16 { rate.saved(index: index, total: 24) }
        #expect(rate.done == 16, "saving what was counted adds nothing")
        // A batch that skipped a file (a copy of another in it) and names one already saved.
        rate.describedAhead([15, 16, 18], total: 24)
        #expect(rate.done == 18)
        rate.saved(index: 17, total: 24)
        #expect(rate.done == 19, "files 0–17 saved, 18 described")
        rate.saved(index: 23, total: 24)
        #expect(rate.done == 24)
        #expect(rate.text(afterSeconds: 12) == "2.0 img/s, ETA 0:00")
    }
}
