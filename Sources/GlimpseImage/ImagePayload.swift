/// Where the picture lies in an image file, apart from the metadata photo managers rewrite when people tag
/// a photo (EXIF, XMP and IPTC blocks, text chunks): two files whose payloads are equal and whose EXIF
/// orientations are equal show the same picture, so a file whose tags were written into it need not be
/// described again.
///
/// Known for JPEG (every segment but APP1 and APP13 before the scan data, and all from the scan on), PNG
/// (every chunk but text, eXIf and tIME) and WebP (every chunk but EXIF, XMP and the VP8X header, whose
/// flags say whether those are there). Other formats: nil, and a changed file is described again.
public enum ImagePayload {
    /// The byte ranges of the picture in `bytes`, in order, and its EXIF orientation (1 when none); nil
    /// for another format or a file whose structure cannot be followed to its end.
    public static func ranges(in bytes: UnsafeRawBufferPointer, format: ImageFormat?) -> (ranges: [Range<Int>], orientation: Int)? {
        let found: [Range<Int>]?
        switch format {
        case .jpeg: found = jpeg(bytes)
        case .png: found = png(bytes)
        case .webp: found = webp(bytes)
        default: return nil
        }
        guard let found, let format else { return nil }
        return (found, ExifOrientation.read(from: bytes, format: format)?.rawValue ?? 1)
    }

    /// Segments before the scan data but APP1 (EXIF, XMP) and APP13 (IPTC), then everything from the first
    /// scan on.
    static func jpeg(_ b: UnsafeRawBufferPointer) -> [Range<Int>]? {
        var ranges: [Range<Int>] = [0..<2]
        var position = 2
        while position + 4 <= b.count {
            guard b[position] == 0xFF else { return nil }
            let marker = b[position + 1]
            if marker == 0xFF {
                position += 1
                continue
            }
            if marker == 0xDA { return ranges + [position..<b.count] }
            if marker == 0xD9 || marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                ranges.append(position..<position + 2)
                position += 2
                continue
            }
            let end = position + 2 + (Int(b[position + 2]) << 8 | Int(b[position + 3]))
            guard end > position + 3, end <= b.count else { return nil }
            if marker != 0xE1 && marker != 0xED { ranges.append(position..<end) }
            position = end
        }
        return nil
    }

    /// The chunks but tEXt, zTXt, iTXt, eXIf and tIME, from IHDR to IEND.
    static func png(_ b: UnsafeRawBufferPointer) -> [Range<Int>]? {
        let skipped: Set<String> = ["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]
        var ranges: [Range<Int>] = []
        var position = 8
        while position + 12 <= b.count {
            let length = Int(b[position]) << 24 | Int(b[position + 1]) << 16 | Int(b[position + 2]) << 8 | Int(b[position + 3])
            let type = String(decoding: b[position + 4..<position + 8], as: UTF8.self)
            let end = position + 12 + length
            guard length >= 0, end <= b.count else { return nil }
            if !skipped.contains(type) { ranges.append(position..<end) }
            if type == "IEND" { return ranges }
            position = end
        }
        return nil
    }

    /// The RIFF chunks but EXIF, "XMP " and VP8X.
    static func webp(_ b: UnsafeRawBufferPointer) -> [Range<Int>]? {
        let skipped: Set<String> = ["EXIF", "XMP ", "VP8X"]
        var ranges: [Range<Int>] = []
        var position = 12
        while position + 8 <= b.count {
            let length = Int(b[position + 4]) | Int(b[position + 5]) << 8 | Int(b[position + 6]) << 16 | Int(b[position + 7]) << 24
            let type = String(decoding: b[position..<position + 4], as: UTF8.self)
            let end = position + 8 + length + length % 2
            guard length >= 0, position + 8 + length <= b.count else { return nil }
            if !skipped.contains(type) { ranges.append(position..<position + 8 + length) }
            position = end
        }
        return ranges.isEmpty ? nil : ranges
    }
}
