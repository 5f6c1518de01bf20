/// Windows and OS/2 bitmaps, decoded in Swift: no Debian library is a practical fit (ImageMagick and
/// FreeImage are large and bundle their own codecs; stb_image is not hardened for untrusted files), and
/// the format is simple enough to read with every offset checked.
///
/// Reads what Pillow reads: headers of 12 (OS/2), 40, 52, 56, 64 (OS/2 2.x), 108 (V4) and 124 (V5) bytes; 1, 4 and 8 bits through a palette,
/// 16 (5-5-5 by default), 24 and 32 bits; `BI_BITFIELDS` masks; RLE8 and RLE4; rows bottom-up or,
/// with a negative height, top-down. Output equals Pillow's: 32-bit `BI_RGB` pixels ignore the fourth
/// byte (Pillow's `BGRX`), a 32-bit bit-field image with an alpha mask keeps alpha, fields narrower than
/// 8 bits scale as `v · 255 / max`, and RLE pixels never written are palette entry 0.
enum BMPDecoder {
    private struct Header {
        var width = 0, height = 0, topDown = false, bits = 0, compression = 0
        var masks: [UInt32] = []
        var palette: [(UInt8, UInt8, UInt8)] = []
        var pixelOffset = 0
    }

    private static let rgb = 0, rle8 = 1, rle4 = 2, bitfields = 3, alphaBitfields = 6

    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let data = ByteReader(bytes)
        let header = try readHeader(data)
        try options.limits.check(width: header.width, height: header.height)
        let compressed = header.compression == rle8 || header.compression == rle4
        // Uncompressed rows must all be in the file before anything proportional to the image is allocated.
        let stride = (header.width * header.bits + 31) / 32 * 4
        guard compressed || (header.pixelOffset <= data.count && stride * header.height <= data.count - header.pixelOffset) else {
            throw ImageError.truncated(format: .bmp)
        }
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * 3)
        var alpha: [UInt8]?
        if compressed {
            try decodeRLE(data, header: header, into: &pixels)
        } else {
            alpha = decodeRows(data, header: header, stride: stride, into: &pixels)
        }
        return RGBImage(unchecked: header.width, header.height, pixels, alpha)
    }

    private static func readHeader(_ data: ByteReader) throws -> Header {
        var header = Header()
        header.pixelOffset = Int(try data.uint32(10))
        let size = Int(try data.uint32(14))
        let compressionRaw: UInt32
        if size == 12 {
            header.width = Int(try data.uint16(18))
            header.height = Int(try data.uint16(20))
            header.bits = Int(try data.uint16(24))
            compressionRaw = 0
        } else if [40, 52, 56, 64, 108, 124].contains(size) {
            header.width = Int(Int32(bitPattern: try data.uint32(18)))
            let height = Int(Int32(bitPattern: try data.uint32(22)))
            header.topDown = height < 0
            header.height = abs(height)
            header.bits = Int(try data.uint16(28))
            compressionRaw = try data.uint32(30)
        } else {
            throw ImageError.corrupt(format: .bmp, reason: "unknown header size \(size)")
        }
        guard compressionRaw <= 6 else { throw ImageError.corrupt(format: .bmp, reason: "unknown compression \(compressionRaw)") }
        header.compression = Int(compressionRaw)
        guard header.width > 0, header.height > 0 else {
            throw ImageError.tooManyPixels(width: header.width, height: header.height, limit: 0)
        }
        switch (header.compression, header.bits) {
        case (rgb, 1), (rgb, 4), (rgb, 8), (rgb, 16), (rgb, 24), (rgb, 32), (rle8, 8), (rle4, 4),
             (bitfields, 16), (bitfields, 32), (alphaBitfields, 16), (alphaBitfields, 32):
            break
        default:
            throw ImageError.corrupt(format: .bmp, reason: "\(header.bits) bits per pixel with compression \(header.compression) is not a bitmap layout")
        }
        let headerEnd = 14 + size
        var paletteStart = headerEnd
        if header.compression == bitfields || header.compression == alphaBitfields {
            let count = header.compression == alphaBitfields || size >= 56 ? 4 : 3
            // A 40-byte header keeps its masks after it; larger headers hold them inside.
            let start = size == 40 ? headerEnd : 14 + 40
            header.masks = try (0..<count).map { try data.uint32(start + 4 * $0) }
            if size == 40 { paletteStart += 4 * count }
        } else if header.bits == 16 {
            header.masks = [0x7C00, 0x03E0, 0x001F]
        }
        if header.bits <= 8 {
            let entry = size == 12 ? 3 : 4
            var colours = size == 12 ? 0 : Int(try data.uint32(46))
            if colours == 0 || colours > 1 << header.bits { colours = 1 << header.bits }
            header.palette = try (0..<colours).map { index in
                let at = paletteStart + index * entry
                return (try data.byte(at + 2), try data.byte(at + 1), try data.byte(at))
            }
        }
        return header
    }

    /// Uncompressed and bit-field rows, all present (checked by the caller); returns the alpha plane when
    /// the image has one.
    private static func decodeRows(_ data: ByteReader, header: Header, stride: Int, into pixels: inout [UInt8]) -> [UInt8]? {
        let fields = header.masks.map(BitField.init)
        let hasAlpha = header.bits == 32 && fields.count == 4 && fields[3].mask != 0
        var alpha = hasAlpha ? [UInt8](repeating: 255, count: header.width * header.height) : nil
        for row in 0..<header.height {
            let start = header.pixelOffset + row * stride
            let y = header.topDown ? row : header.height - 1 - row
            for x in 0..<header.width {
                let out = (y * header.width + x) * 3
                switch header.bits {
                case 1, 4, 8:
                    let bit = x * header.bits
                    let byte = data.unchecked(start + bit / 8)
                    let index = Int(byte >> UInt8(8 - header.bits - bit % 8)) & ((1 << header.bits) - 1)
                    let colour = index < header.palette.count ? header.palette[index] : (0, 0, 0)
                    (pixels[out], pixels[out + 1], pixels[out + 2]) = colour
                case 24:
                    let at = start + x * 3
                    (pixels[out], pixels[out + 1], pixels[out + 2]) = (data.unchecked(at + 2), data.unchecked(at + 1), data.unchecked(at))
                default:
                    let value = header.bits == 16
                        ? UInt32(data.unchecked(start + x * 2)) | UInt32(data.unchecked(start + x * 2 + 1)) << 8
                        : data.uncheckedUInt32(start + x * 4)
                    if fields.isEmpty {  // 32-bit BI_RGB: B G R X
                        (pixels[out], pixels[out + 1], pixels[out + 2]) = (UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
                    } else {
                        (pixels[out], pixels[out + 1], pixels[out + 2]) = (fields[0].read(value), fields[1].read(value), fields[2].read(value))
                        if hasAlpha { alpha![y * header.width + x] = fields[3].read(value) }
                    }
                }
            }
        }
        return alpha
    }

    /// RLE8 and RLE4: runs and absolute stretches of palette indices, with end-of-line, end-of-bitmap
    /// and delta escapes. Pixels a run would place outside the image are dropped.
    private static func decodeRLE(_ data: ByteReader, header: Header, into pixels: inout [UInt8]) throws {
        let width = header.width, height = header.height
        let first = header.palette.first ?? (0, 0, 0)
        for pixel in 0..<(width * height) { (pixels[pixel * 3], pixels[pixel * 3 + 1], pixels[pixel * 3 + 2]) = first }
        var x = 0, row = 0, at = header.pixelOffset
        func put(_ index: Int) {
            guard x < width, row < height else { x += 1; return }
            let y = header.topDown ? row : height - 1 - row
            let colour = index < header.palette.count ? header.palette[index] : (0, 0, 0)
            let out = (y * width + x) * 3
            (pixels[out], pixels[out + 1], pixels[out + 2]) = colour
            x += 1
        }
        let four = header.compression == rle4
        while row < height {
            guard at + 1 < data.count else { throw ImageError.truncated(format: .bmp) }
            let count = Int(data.unchecked(at)), value = data.unchecked(at + 1)
            at += 2
            if count > 0 {
                for index in 0..<count { put(four ? Int(index % 2 == 0 ? value >> 4 : value & 0x0F) : Int(value)) }
                continue
            }
            switch value {
            case 0: x = 0; row += 1
            case 1: return
            case 2:
                guard at + 1 < data.count else { throw ImageError.truncated(format: .bmp) }
                x += Int(data.unchecked(at)); row += Int(data.unchecked(at + 1))
                at += 2
            default:
                let length = Int(value), stored = four ? (length + 1) / 2 : length
                guard at + stored <= data.count else { throw ImageError.truncated(format: .bmp) }
                for index in 0..<length {
                    let byte = data.unchecked(at + (four ? index / 2 : index))
                    put(four ? Int(index % 2 == 0 ? byte >> 4 : byte & 0x0F) : Int(byte))
                }
                at += (stored + 1) / 2 * 2  // absolute runs are padded to 16 bits
            }
        }
    }
}

/// One colour channel of a bit-field pixel: its mask, shift and width, scaled to 8 bits as Pillow does.
private struct BitField {
    let mask: UInt32
    let shift: UInt32
    let maximum: UInt32

    init(_ mask: UInt32) {
        self.mask = mask
        shift = mask == 0 ? 0 : UInt32(mask.trailingZeroBitCount)
        maximum = mask >> shift
    }

    func read(_ value: UInt32) -> UInt8 {
        guard maximum > 0 else { return 0 }
        let field = (value & mask) >> shift
        return maximum == 255 ? UInt8(field) : UInt8(min(255, UInt64(field) * 255 / UInt64(maximum)))
    }
}

/// Little-endian reads with bounds checks (`unchecked` only where the caller checked the range).
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    var count: Int { bytes.count }

    func byte(_ offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw ImageError.truncated(format: .bmp) }
        return bytes[offset]
    }

    func uint16(_ offset: Int) throws -> UInt16 { UInt16(try byte(offset)) | UInt16(try byte(offset + 1)) << 8 }
    func uint32(_ offset: Int) throws -> UInt32 { UInt32(try uint16(offset)) | UInt32(try uint16(offset + 2)) << 16 }
    func unchecked(_ offset: Int) -> UInt8 { bytes[offset] }
    func uncheckedUInt32(_ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
