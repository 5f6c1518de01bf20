import Foundation
import GlimpseImage

/// When a photo was taken, as its file's name says it: what phones and apps write where the file has no
/// EXIF date (messaging apps strip it; screenshots never had it): `IMG_20190714_150211.jpg`,
/// `IMG-20190714-WA0001.jpg`, `PXL_20210102_103000123.jpg`, `Screenshot_2019-07-14-15-02-11.png`,
/// `Screenshot 2019-07-14 at 15.02.11.png`, `2019-07-14 15.02.11.jpg`.
///
/// The date is eight digits (a year of 1900–2099, a month, a day, optionally separated by `-`, `_` or `.`)
/// not inside a longer number, unless the digits after it are a time (`HHMMSS`, or separated), which is kept.
/// Same form as `ExifDateTaken`: `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD`.
public enum FileNameDate {
    public static func read(fromFileName name: String) -> String? {
        let whole = NSRange(name.startIndex..., in: name)
        guard let match = expression.firstMatch(in: name, range: whole) else { return nil }
        func group(_ index: Int) -> String? { Range(match.range(at: index), in: name).map { String(name[$0]) } }
        guard let year = group(1), let month = group(2), let day = group(3) else { return nil }
        let date = "\(year)-\(month)-\(day)"
        guard let hour = group(4), let minute = group(5), let second = group(6) else { return date }
        return date + "T\(hour):\(minute):\(second)"
    }

    private static let date = "((?:19|20)[0-9]{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12][0-9]|3[01])"
    private static let time = "[ _T-]?(?:at )?([01][0-9]|2[0-3])[-_.:h]?([0-5][0-9])[-_.:m]?([0-5][0-9])"

    /// When the photo in `data` (of `format`, from the file at `path`) was taken: its EXIF date, else the one
    /// its file's name says; "" for neither (`FileFacts.taken`).
    static func dateTaken(in data: Data, format: ImageFormat?, path: String) -> String {
        format.flatMap { format in data.withUnsafeBytes { ExifDateTaken.read(from: $0, format: format) } }
            ?? read(fromFileName: URL(filePath: path).lastPathComponent) ?? ""
    }

    /// The pattern is immutable, and `NSRegularExpression` is documented as safe to share between threads.
    nonisolated(unsafe) private static let expression = try! NSRegularExpression(pattern: "(?<![0-9])" + date + "(?:" + time + "|(?![0-9]))")
}
