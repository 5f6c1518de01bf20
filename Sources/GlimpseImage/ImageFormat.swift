/// Image file formats, recognised by their leading bytes (never by file name).
public enum ImageFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case jpeg = "JPEG"
    case png = "PNG"
    case webp = "WebP"
    case gif = "GIF"
    case bmp = "BMP"
    case tiff = "TIFF"
    case heif = "HEIF"
    case avif = "AVIF"
    /// A camera's raw file (DNG, CR2, CR3, NEF, ARW, ORF, RW2, RAF, …), read through LibRaw.
    case cameraRaw = "camera raw"

    public var description: String { rawValue }

    /// Formats `ImageDecoder` decodes.
    public static let decodable: Set<ImageFormat> = [.jpeg, .png, .webp, .gif, .bmp, .heif, .avif, .tiff, .cameraRaw]

    /// File-name extensions (lowercase, without the dot) that photo libraries give these formats.
    public static let fileExtensions = Set([
        "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "bmp", "dib", "tif", "tiff", "heic", "heif", "hif", "avif",
    ]).union(rawFileExtensions)

    /// File-name extensions of camera raw files that LibRaw reads.
    public static let rawFileExtensions: Set<String> = [
        "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "orf", "rw2", "rwl", "raf", "pef", "srw",
        "3fr", "fff", "iiq", "erf", "kdc", "dcr", "mrw", "mos", "mef",
    ]

    /// Whether the name of the file at `path` says it is an image.
    ///
    /// The content decides what a file is; the name only tells a damaged photo (named `.jpg`, content
    /// unrecognisable) from a file that was never meant to be one (notes, sidecars).
    public static func isImageFileName(_ path: String) -> Bool {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return fileExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The format whose signature starts `bytes`, or nil.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        let head = Array(bytes.prefix(16))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) { return .bmp }
        if starts([0x49, 0x49, 0x2A, 0x00]) && starts(Array("CR".utf8), at: 8) { return .cameraRaw } // Canon CR2
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff } // also DNG, NEF, ARW, PEF, …
        if starts(Array("IIRO".utf8)) || starts(Array("IIRS".utf8)) || starts(Array("MMOR".utf8)) { return .cameraRaw } // Olympus
        if starts([0x49, 0x49, 0x55, 0x00]) { return .cameraRaw } // Panasonic RW2
        if starts(Array("FUJIFILMCCD-RAW".utf8)) { return .cameraRaw } // Fujifilm RAF
        if starts([0x00, 0x4D, 0x52, 0x4D]) { return .cameraRaw } // Minolta MRW
        if starts(Array("ftyp".utf8), at: 4) {
            if head.count >= 12, String(decoding: head[8..<12], as: UTF8.self) == "crx " { return .cameraRaw } // Canon CR3
            let brand = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : ""
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) { return .heif }
            if ["avif", "avis"].contains(brand) { return .avif }
        }
        return nil
    }
}
