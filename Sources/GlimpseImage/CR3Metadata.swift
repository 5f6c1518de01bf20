/// The EXIF of a Canon CR3 file, which is not one TIFF block but ISO base media boxes: inside `moov`, a
/// `uuid` box of Canon's (85c0b687-820f-11e0-8111-f4ce462b6a48) holds `CMT1` (IFD0 as a TIFF block) and
/// `CMT2` (the Exif IFD as a TIFF block of its own), among others. Every size is checked against its box.
enum CR3Metadata {
    static let canonUUID: [UInt8] = [0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A, 0x48]

    /// The date taken: CMT2's DateTimeOriginal (else DateTimeDigitized), else CMT1's DateTime.
    static func dateTaken(in bytes: UnsafeRawBufferPointer) -> String? {
        let blocks = tiffBlocks(in: bytes)
        if let exif = blocks["CMT2"], let ifd = exif.firstIFD {
            for tag in [0x9003, 0x9004] {
                if let date = exif.value(of: tag, inIFDAt: ifd).flatMap({ exif.ascii($0) }).flatMap(ExifDateTaken.normalised) { return date }
            }
        }
        guard let ifd0 = blocks["CMT1"], let first = ifd0.firstIFD else { return nil }
        return ifd0.value(of: 0x0132, inIFDAt: first).flatMap { ifd0.ascii($0) }.flatMap(ExifDateTaken.normalised)
    }

    /// The camera that took it: CMT1's Make and Model (`CameraName`).
    static func camera(in bytes: UnsafeRawBufferPointer) -> String? {
        tiffBlocks(in: bytes)["CMT1"].flatMap(CameraName.camera(inTIFF:))
    }

    /// The TIFF blocks of the Canon box by their box types (`CMT1`, `CMT2`, …); empty when there is none.
    private static func tiffBlocks(in bytes: UnsafeRawBufferPointer) -> [String: TIFFBlock] {
        guard let moov = boxes(in: bytes, 0..<bytes.count).first(where: { $0.type == "moov" }),
              let canon = boxes(in: bytes, moov.content).first(where: { box in
                  box.type == "uuid" && box.content.count >= 16 && Array(bytes[box.content.prefix(16)]) == canonUUID
              }) else { return [:] }
        var blocks: [String: TIFFBlock] = [:]
        for box in boxes(in: bytes, canon.content.dropFirst(16).startIndex..<canon.content.endIndex) where blocks[box.type] == nil {
            blocks[box.type] = TIFFBlock(UnsafeRawBufferPointer(rebasing: bytes[box.content]))
        }
        return blocks
    }

    struct Box {
        var type: String
        var content: Range<Int>
    }

    /// The boxes laid one after another in `range` (at most 256), stopping at the first that does not fit.
    static func boxes(in bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [Box] {
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) } }
        var found: [Box] = []
        var at = range.lowerBound
        while at + 8 <= range.upperBound, found.count < 256 {
            var size = u32(at), header = 8
            if size == 1 {
                guard at + 16 <= range.upperBound else { break }
                let high = u32(at + 8), low = u32(at + 12)
                guard high == 0 else { break }  // over 4 GB: not in a file Glimpse reads
                size = low
                header = 16
            } else if size == 0 {
                size = range.upperBound - at
            }
            guard size >= header, at + size <= range.upperBound else { break }
            let type = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at + 4..<at + 8]), as: UTF8.self)
            found.append(Box(type: type, content: at + header..<at + size))
            at += size
        }
        return found
    }
}
