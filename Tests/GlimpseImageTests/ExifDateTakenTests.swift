import Foundation
import Testing
@testable import GlimpseImage

@Suite("When a photo was taken (EXIF)")
struct ExifDateTakenTests {
    @Test("every fixture's date is the one Pillow reads (Tools/fixtures/make_date_fixtures.py)")
    func fixtures() throws {
        let expected = try #require(try JSONSerialization.jsonObject(with: Fixtures.data("dates/dates.json")) as? [String: Any])
        #expect(expected.count == 10)
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
            let data = try Fixtures.data("dates/\(name)")
            let format = try #require(ImageFormat.detect(data.prefix(16)), "\(name)")
            let read = data.withUnsafeBytes { ExifDateTaken.read(from: $0, format: format) }
            #expect(read == value as? String, "\(name)")
        }
    }

    /// A big-endian ("MM") block: IFD0 with an Exif IFD pointer, the Exif IFD with DateTimeOriginal.
    static func bigEndianBlock(original: String) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        func u32(_ value: Int) -> [UInt8] { u16(value >> 16) + u16(value & 0xFFFF) }
        let text = Array(original.utf8) + [0]
        var block: [UInt8] = [0x4D, 0x4D] + u16(42) + u32(8)
        block += u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(26) + u32(0)  // IFD0 at 8: one entry, 18 bytes
        block += u16(1) + u16(0x9003) + u16(2) + u32(text.count) + u32(44) + u32(0)  // Exif IFD at 26
        return block + text  // the text at 44
    }

    @Test("big-endian blocks, blank and impossible dates, dates without a time")
    func handMadeBlocks() {
        let read = { (block: [UInt8]) in block.withUnsafeBytes { ExifDateTaken.date(inTIFF: $0) } }
        #expect(read(Self.bigEndianBlock(original: "2009:10:11 12:13:14")) == "2009-10-11T12:13:14")
        #expect(read(Self.bigEndianBlock(original: "2009-10-11 12:13:14")) == "2009-10-11T12:13:14")
        #expect(read(Self.bigEndianBlock(original: "2009:10:11")) == "2009-10-11")
        #expect(read(Self.bigEndianBlock(original: "2009:10:11   :  :  ")) == "2009-10-11", "a blank time")
        #expect(read(Self.bigEndianBlock(original: "0000:00:00 00:00:00")) == nil)
        #expect(read(Self.bigEndianBlock(original: "    :  :     :  :  ")) == nil)
        #expect(read(Self.bigEndianBlock(original: "2009:13:11 12:13:14")) == nil, "month 13")
        #expect(read(Self.bigEndianBlock(original: "2009:10:11 25:13:14")) == "2009-10-11", "an impossible time keeps the date")
        #expect(read(Self.bigEndianBlock(original: "yesterday")) == nil)
    }

    @Test("truncated and hostile blocks give nil, never a crash")
    func hostile() {
        let block = Self.bigEndianBlock(original: "2009:10:11 12:13:14")
        for length in 0..<block.count {
            let prefix = Array(block.prefix(length))
            let read = prefix.withUnsafeBytes { ExifDateTaken.date(inTIFF: $0) }
            #expect(read == nil, "\(length) of \(block.count) bytes")
        }
        var pointingAway = block
        pointingAway[18...21] = [0x7F, 0xFF, 0xFF, 0xFF]  // the Exif IFD offset far past the end
        #expect(pointingAway.withUnsafeBytes { ExifDateTaken.date(inTIFF: $0) } == nil)
        var hugeCount = block
        hugeCount[32...35] = [0x00, 0x00, 0xFF, 0xFF]  // the text's count
        #expect(hugeCount.withUnsafeBytes { ExifDateTaken.date(inTIFF: $0) } == nil)
        let garbage = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
        for format in ImageFormat.allCases {
            _ = garbage.withUnsafeBytes { ExifDateTaken.read(from: $0, format: format) }
        }
    }
}
