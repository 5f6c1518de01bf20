import Foundation

/// Which camera took a photo, named as people name it: EXIF's Make and Model (tags 0x010F and 0x0110 of
/// IFD0) joined, with the maker's company words left out and the maker not repeated — `FUJIFILM X100V`,
/// `Canon EOS R5` (Model `Canon EOS R5`), `NIKON D750` (Make `NIKON CORPORATION`, Model `NIKON D750`),
/// `Apple iPhone 12 Pro`. Never an error: absent, blank or malformed tags give nil.
public enum CameraName {
    /// The camera in a JPEG, PNG, WebP, TIFF, HEIF/AVIF or camera raw file's EXIF block (a CR3's `CMT1`).
    public static func read(from bytes: UnsafeRawBufferPointer, format: ImageFormat) -> String? {
        if format == .heif || format == .avif {
            return ExifDateTaken.heifExif(bytes).flatMap { block in block.withUnsafeBytes { camera(inTIFF: $0) } }
        }
        guard let tiff = ExifOrientation.tiffBlock(in: bytes, format: format) else {
            return format == .cameraRaw ? CR3Metadata.camera(in: bytes) : nil
        }
        return camera(inTIFF: UnsafeRawBufferPointer(rebasing: bytes[tiff]))
    }

    static func camera(inTIFF block: UnsafeRawBufferPointer) -> String? {
        TIFFBlock(block).flatMap(camera(inTIFF:))
    }

    static func camera(inTIFF tiff: TIFFBlock) -> String? {
        guard let ifd0 = tiff.firstIFD else { return nil }
        return joined(make: tiff.value(of: 0x010F, inIFDAt: ifd0).flatMap { tiff.ascii($0) },
                      model: tiff.value(of: 0x0110, inIFDAt: ifd0).flatMap { tiff.ascii($0) })
    }

    /// The longest name kept, in characters; a longer Make or Model is not a camera's.
    static let maximumLength = 100

    /// Words that end a maker's company name (`NIKON CORPORATION`, `RICOH IMAGING COMPANY, LTD.`,
    /// `LEICA CAMERA AG`), compared in lower case without dots.
    private static let companyWords: Set<String> = [
        "corporation", "corp", "co", "ltd", "limited", "inc", "company", "imaging", "camera", "ag", "gmbh", "optical",
        "electric", "electronics", "technology", "digital",
    ]

    /// `make` without its company words, then `model`, unless `model` already names the maker by one of its
    /// words; either alone when the other is missing; nil when both are missing or blank.
    public static func joined(make: String?, model: String?) -> String? {
        let model = cleaned(model)
        var makeWords = cleaned(make).map { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) } ?? []
        while makeWords.count > 1, let last = makeWords.last, companyWords.contains(last.lowercased().replacingOccurrences(of: ".", with: "")) {
            makeWords.removeLast()
        }
        let maker = makeWords.isEmpty ? nil : makeWords.joined(separator: " ")
        guard let model else { return maker }
        guard let maker else { return model }
        let modelWords = Set(model.lowercased().split(separator: " ").map(String.init))
        if makeWords.contains(where: { modelWords.contains($0.lowercased()) }) { return model }
        let name = maker + " " + model
        return name.count <= maximumLength ? name : model
    }

    /// Whitespace collapsed and control characters dropped; nil for blank text, a placeholder, or text
    /// longer than `maximumLength`.
    private static func cleaned(_ text: String?) -> String? {
        guard let text else { return nil }
        let visible = String(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        let collapsed = visible.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !collapsed.isEmpty, collapsed.count <= maximumLength,
              !["unknown", "none", "-", "?"].contains(collapsed.lowercased()) else { return nil }
        return collapsed
    }
}
