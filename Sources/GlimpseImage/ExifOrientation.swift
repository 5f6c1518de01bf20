/// The EXIF orientation tag (0x0112): how the stored pixels must be transformed to show the picture
/// upright. Raw values are the tag's values; the transforms are the ones Pillow's `exif_transpose`
/// applies (which transformers' `load_image` calls).
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1
    case upMirrored = 2
    case down = 3
    case downMirrored = 4
    case leftMirrored = 5
    case right = 6
    case rightMirrored = 7
    case left = 8

    /// Whether applying the orientation swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// The orientation stored in a JPEG (APP1 "Exif"), PNG (eXIf chunk), WebP (EXIF chunk) or TIFF file;
    /// nil when absent or unreadable (never an error: a broken EXIF block leaves the image as stored).
    public static func read(from bytes: UnsafeRawBufferPointer, format: ImageFormat) -> ExifOrientation? {
        guard let tiff = tiffBlock(in: bytes, format: format) else { return nil }
        return orientation(inTIFF: UnsafeRawBufferPointer(rebasing: bytes[tiff]))
    }

    /// Where the TIFF-structured EXIF block of a JPEG, PNG, WebP or TIFF file lies (for TIFF the whole
    /// file, whose first IFD holds the tags); nil when there is none.
    static func tiffBlock(in bytes: UnsafeRawBufferPointer, format: ImageFormat) -> Range<Int>? {
        switch format {
        case .jpeg: return jpegExif(bytes)
        case .png: return pngExif(bytes)
        case .webp: return webpExif(bytes)
        case .tiff: return 0..<bytes.count
        case .cameraRaw: return rawExif(bytes)
        default: return nil
        }
    }

    /// The TIFF block of the first APP1 Exif segment before the scan data.
    static func jpegExif(_ b: UnsafeRawBufferPointer) -> Range<Int>? {
        jpegSegment(b, marker: 0xE1, signature: [0x45, 0x78, 0x69, 0x66, 0, 0])
    }

    /// The payload after `signature` of the first segment with `marker` whose payload starts with
    /// `signature`, among the segments before the scan data.
    static func jpegSegment(_ b: UnsafeRawBufferPointer, marker wanted: UInt8, signature: [UInt8]) -> Range<Int>? {
        var position = 2
        while position + 4 <= b.count {
            guard b[position] == 0xFF else { return nil }
            let marker = b[position + 1]
            if marker == 0xFF { position += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { position += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(b[position + 2]) << 8 | Int(b[position + 3])
            guard length >= 2, position + 2 + length <= b.count else { return nil }
            let start = position + 4
            let end = position + 2 + length
            if marker == wanted, end - start >= signature.count, b[start..<start + signature.count].elementsEqual(signature) {
                return start + signature.count..<end
            }
            position = end
        }
        return nil
    }

    /// The data of the eXIf chunk.
    static func pngExif(_ b: UnsafeRawBufferPointer) -> Range<Int>? {
        var position = 8
        while position + 12 <= b.count {
            let length = Int(b[position]) << 24 | Int(b[position + 1]) << 16 | Int(b[position + 2]) << 8 | Int(b[position + 3])
            let type = String(decoding: b[position + 4..<position + 8], as: UTF8.self)
            let start = position + 8
            guard length >= 0, start + length + 4 <= b.count else { return nil }
            if type == "eXIf" { return start..<start + length }
            if type == "IEND" { return nil }
            position = start + length + 4
        }
        return nil
    }

    /// The TIFF block of a camera raw file: the whole file where it is TIFF-structured (CR2, and ORF and
    /// RW2 with their own magic numbers), the EXIF of the JPEG preview a Fujifilm RAF starts with; nil for
    /// the others (CR3).
    static func rawExif(_ b: UnsafeRawBufferPointer) -> Range<Int>? {
        if TIFFBlock(b) != nil { return 0..<b.count }
        guard b.count >= 92, b.starts(with: "FUJIFILMCCD-RAW".utf8) else { return nil }
        let offset = b[84..<88].reduce(0) { $0 << 8 | Int($1) }, length = b[88..<92].reduce(0) { $0 << 8 | Int($1) }
        guard offset >= 92, offset < b.count else { return nil }
        let jpeg = offset..<min(b.count, offset + length)
        guard let exif = jpegExif(UnsafeRawBufferPointer(rebasing: b[jpeg])) else { return nil }
        return exif.lowerBound + offset..<exif.upperBound + offset
    }

    /// The data of the EXIF chunk (an optional "Exif\0\0" prefix skipped).
    static func webpExif(_ b: UnsafeRawBufferPointer) -> Range<Int>? {
        var position = 12
        while position + 8 <= b.count {
            let type = String(decoding: b[position..<position + 4], as: UTF8.self)
            let length = Int(b[position + 4]) | Int(b[position + 5]) << 8 | Int(b[position + 6]) << 16 | Int(b[position + 7]) << 24
            let start = position + 8
            guard start + length <= b.count else { return nil }
            if type == "EXIF" {
                if length >= 6, Array(b[start..<start + 6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                    return start + 6..<start + length
                }
                return start..<start + length
            }
            position = start + length + (length & 1)
        }
        return nil
    }

    /// Reads tag 0x0112 from IFD0 of a TIFF block.
    static func orientation(inTIFF block: UnsafeRawBufferPointer) -> ExifOrientation? {
        guard let tiff = TIFFBlock(block), let ifd = tiff.firstIFD, let entry = tiff.value(of: 0x0112, inIFDAt: ifd),
              entry.type == 3, let value = tiff.u16(entry.field) else { return nil }
        return ExifOrientation(rawValue: value)
    }
}

extension RGBImage {
    /// The image transformed so that it appears upright for the given EXIF orientation.
    public func applying(_ orientation: ExifOrientation) -> RGBImage {
        if orientation == .up { return self }
        let (w, h) = (width, height)
        let (outWidth, outHeight) = orientation.swapsDimensions ? (h, w) : (w, h)
        // Source coordinates of output pixel (x, y).
        let source: (Int, Int) -> (Int, Int)
        switch orientation {
        case .up: source = { ($0, $1) }
        case .upMirrored: source = { (w - 1 - $0, $1) }
        case .down: source = { (w - 1 - $0, h - 1 - $1) }
        case .downMirrored: source = { ($0, h - 1 - $1) }
        case .leftMirrored: source = { ($1, $0) }
        case .right: source = { ($1, h - 1 - $0) }
        case .rightMirrored: source = { (w - 1 - $1, h - 1 - $0) }
        case .left: source = { (w - 1 - $1, $0) }
        }
        var rgb = [UInt8](repeating: 0, count: pixels.count)
        var newAlpha = alpha.map { [UInt8](repeating: 0, count: $0.count) }
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (sx, sy) = source(x, y)
                let from = sy * w + sx
                let to = y * outWidth + x
                rgb[to * 3] = pixels[from * 3]
                rgb[to * 3 + 1] = pixels[from * 3 + 1]
                rgb[to * 3 + 2] = pixels[from * 3 + 2]
                if let alpha { newAlpha![to] = alpha[from] }
            }
        }
        return RGBImage(unchecked: outWidth, outHeight, rgb, newAlpha)
    }
}
