import CHEIF
import Foundation

/// When a photo was taken, as its EXIF block records it: DateTimeOriginal (tag 0x9003 of the Exif IFD),
/// else DateTimeDigitized (0x9004), else the file's DateTime (0x0132 of IFD0).
///
/// The result is `YYYY-MM-DDTHH:MM:SS`, or `YYYY-MM-DD` when the time is blank: the camera's local time,
/// since these tags hold no time zone. Text in this form sorts as the dates do, so the index compares
/// dates as strings. Never an error: an absent, blank ("0000:00:00 00:00:00") or malformed date is nil.
public enum ExifDateTaken {
    /// The date in a JPEG, PNG, WebP, TIFF, HEIF/AVIF or camera raw file's EXIF block.
    public static func read(from bytes: UnsafeRawBufferPointer, format: ImageFormat) -> String? {
        if format == .heif || format == .avif {
            return heifExif(bytes).flatMap { block in block.withUnsafeBytes { date(inTIFF: $0) } }
        }
        guard let tiff = ExifOrientation.tiffBlock(in: bytes, format: format) else {
            return format == .cameraRaw ? CR3Metadata.dateTaken(in: bytes) : nil
        }
        return date(inTIFF: UnsafeRawBufferPointer(rebasing: bytes[tiff]))
    }

    /// The date of a TIFF-structured EXIF block (byte order "II" or "MM").
    static func date(inTIFF block: UnsafeRawBufferPointer) -> String? {
        guard let tiff = TIFFBlock(block), let ifd0 = tiff.firstIFD else { return nil }
        if let exif = tiff.value(of: 0x8769, inIFDAt: ifd0).flatMap({ tiff.offset(of: $0) }) {
            for tag in [0x9003, 0x9004] {
                if let date = tiff.value(of: tag, inIFDAt: exif).flatMap({ tiff.ascii($0) }).flatMap(normalised) { return date }
            }
        }
        return tiff.value(of: 0x0132, inIFDAt: ifd0).flatMap { tiff.ascii($0) }.flatMap(normalised)
    }

    /// `YYYY:MM:DD HH:MM:SS` (dashes also accepted in the date, `T` before the time, the time optional) as
    /// `YYYY-MM-DDTHH:MM:SS`; nil for a blank or impossible date.
    public static func normalised(_ text: String) -> String? {
        let characters = Array(text.trimmingCharacters(in: [" ", "\0"]).utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            var value = 0
            for byte in characters[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard characters.count >= 10, [characters[4], characters[7]].allSatisfy({ $0 == 0x3A || $0 == 0x2D }),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1800...2200).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        let date = "\(year)-\(twoDigits(month))-\(twoDigits(day))"
        guard characters.count >= 19, characters[10] == 0x20 || characters[10] == 0x54,
              characters[13] == 0x3A, characters[16] == 0x3A,
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second <= 60 else { return date }
        return date + "T\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second))"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The TIFF part of the primary image's Exif metadata block in a HEIF file (libheif), which starts
    /// with the offset of the TIFF header.
    static func heifExif(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        _ = HEIFDecoder.initialized
        guard let context = heif_context_alloc() else { return nil }
        defer { heif_context_free(context) }
        guard heif_context_read_from_memory_without_copy(context, bytes.baseAddress, bytes.count, nil).code == heif_error_Ok
        else { return nil }
        var handle: OpaquePointer?
        guard heif_context_get_primary_image_handle(context, &handle).code == heif_error_Ok, let handle else { return nil }
        defer { heif_image_handle_release(handle) }
        var id: heif_item_id = 0
        guard heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) == 1 else { return nil }
        let size = heif_image_handle_get_metadata_size(handle, id)
        guard size > 4, size < 1 << 24 else { return nil }
        var block = [UInt8](repeating: 0, count: size)
        guard heif_image_handle_get_metadata(handle, id, &block).code == heif_error_Ok else { return nil }
        let skip = Int(block[0]) << 24 | Int(block[1]) << 16 | Int(block[2]) << 8 | Int(block[3])
        guard skip >= 0, 4 + skip < block.count else { return nil }
        return Array(block[(4 + skip)...])
    }
}

/// Reads entries of a TIFF-structured block, checking every offset against its end.
struct TIFFBlock {
    private let bytes: UnsafeRawBufferPointer
    private let little: Bool

    /// One IFD entry: its type, count, and where its 4-byte value field lies.
    struct Entry {
        var type: Int
        var count: Int
        var field: Int
    }

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 8 else { return nil }
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        self.bytes = bytes
        // 42, or the magic numbers of Olympus ORF ("RO", "RS") and Panasonic RW2 (85), TIFFs in all but name.
        guard let magic = u16(2), [42, 0x4F52, 0x5352, 0x55].contains(magic) else { return nil }
    }

    /// The offset of IFD0.
    var firstIFD: Int? { u32(4) }

    func u16(_ at: Int) -> Int? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
    }

    func u32(_ at: Int) -> Int? {
        guard let high = u16(little ? at + 2 : at), let low = u16(little ? at : at + 2) else { return nil }
        return high << 16 | low
    }

    /// The entry of `tag` in the IFD at `offset` (at most 1,000 entries are looked at).
    func value(of tag: Int, inIFDAt offset: Int) -> Entry? {
        guard let count = u16(offset) else { return nil }
        for index in 0..<min(count, 1000) {
            let at = offset + 2 + index * 12
            guard let found = u16(at) else { return nil }
            if found == tag {
                guard let type = u16(at + 2), let count = u32(at + 4) else { return nil }
                return Entry(type: type, count: count, field: at + 8)
            }
        }
        return nil
    }

    /// A LONG (or SHORT) entry's value taken as an offset into the block.
    func offset(of entry: Entry) -> Int? {
        switch entry.type {
        case 4: return u32(entry.field)
        case 3: return u16(entry.field)
        default: return nil
        }
    }

    /// Where a BYTE or UNDEFINED entry's bytes lie in the block.
    func range(of entry: Entry) -> Range<Int>? {
        guard entry.type == 1 || entry.type == 7, entry.count > 0 else { return nil }
        guard let start = entry.count <= 4 ? entry.field : u32(entry.field), start <= bytes.count - entry.count else { return nil }
        return start..<start + entry.count
    }

    /// An ASCII entry's text up to its first NUL.
    func ascii(_ entry: Entry) -> String? {
        guard entry.type == 2, entry.count > 0, entry.count < 256 else { return nil }
        guard let start = entry.count <= 4 ? entry.field : u32(entry.field), start + entry.count <= bytes.count else { return nil }
        let text = bytes[start..<start + entry.count].prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self)
    }
}
