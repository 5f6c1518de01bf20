import Testing
@testable import GlimpseIndex

@Suite("When a photo was taken, from its file's name")
struct FileNameDateTests {
    @Test("the names phones, cameras and apps write", arguments: [
        ("IMG_20190714_150211.jpg", "2019-07-14T15:02:11"),
        ("IMG-20190714-WA0001.jpg", "2019-07-14"),
        ("PXL_20210102_103000123.jpg", "2021-01-02T10:30:00"),
        ("IMG20190714150211.jpg", "2019-07-14T15:02:11"),
        ("Screenshot_2019-07-14-15-02-11.png", "2019-07-14T15:02:11"),
        ("Screenshot 2019-07-14 at 15.02.11.png", "2019-07-14T15:02:11"),
        ("2019-07-14 15.02.11.jpg", "2019-07-14T15:02:11"),
        ("signal-2022-03-04-101112.jpg", "2022-03-04T10:11:12"),
        ("holiday_1999.12.31.jpg", "1999-12-31"),
        ("VID_20190714_250000.jpg", "2019-07-14"),
    ])
    func dated(name: String, expected: String) {
        #expect(FileNameDate.read(fromFileName: name) == expected, "\(name)")
    }

    @Test("names without a date: counters, timestamps, impossible dates, dates inside longer numbers", arguments: [
        "IMG_1234.jpg", "DSC01234.JPG", "1563112931000.jpg", "photo_20191314.jpg", "photo_20190732.jpg", "201907141.jpg",
        "a-1820-07-14.jpg", "cat.png", "",
    ])
    func undated(name: String) {
        #expect(FileNameDate.read(fromFileName: name) == nil, "\(name)")
    }
}
