/// What the tags of a TIFF-structured file say about it being a camera raw file (DNG, NEF, ARW, PEF, …
/// begin as any TIFF does), read without LibRaw.
enum CameraRawTIFF: Equatable {
    /// IFD0 records a DNG version.
    case dng
    /// IFD0 names a camera maker, and an IFD holds a sensor mosaic (PhotometricInterpretation CFA or
    /// LinearRaw): IFD0, its SubIFDs or the IFDs after it.
    case mosaic
    /// IFD0 names a camera maker and no mosaic was found: only LibRaw can tell.
    case namesMaker
    /// Neither: an ordinary TIFF (or not a TIFF at all).
    case plain

    /// The most IFDs looked at, against loops and absurd files.
    static let ifdLimit = 16

    init(_ bytes: UnsafeRawBufferPointer) {
        guard let tiff = TIFFBlock(bytes), let ifd0 = tiff.firstIFD else { self = .plain; return }
        if tiff.value(of: 0xC612, inIFDAt: ifd0) != nil { self = .dng; return }  // DNGVersion
        guard tiff.value(of: 0x010F, inIFDAt: ifd0) != nil else { self = .plain; return }  // Make
        self = Self.holdsMosaic(tiff, from: ifd0) ? .mosaic : .namesMaker
    }

    private static func holdsMosaic(_ tiff: TIFFBlock, from ifd0: Int) -> Bool {
        var pending = [ifd0], seen = Set<Int>()
        while let ifd = pending.popLast(), seen.count < ifdLimit {
            guard ifd > 0, seen.insert(ifd).inserted, let entries = tiff.u16(ifd) else { continue }
            if let photometric = tiff.value(of: 0x0106, inIFDAt: ifd), photometric.type == 3,
               let value = tiff.u16(photometric.field), value == 32803 || value == 34892 {
                return true
            }
            if let subIFDs = tiff.value(of: 0x014A, inIFDAt: ifd), subIFDs.type == 4 || subIFDs.type == 13 {
                let count = min(subIFDs.count, ifdLimit)
                if let first = count == 1 ? subIFDs.field : tiff.u32(subIFDs.field) {
                    pending += (0..<count).compactMap { tiff.u32(first + 4 * $0) }
                }
            }
            if let next = tiff.u32(ifd + 2 + 12 * entries) { pending.append(next) }
        }
        return false
    }
}
