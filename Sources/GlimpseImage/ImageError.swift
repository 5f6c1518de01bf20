import Foundation

/// Everything that can go wrong while reading, decoding, resizing or encoding an image.
public enum ImageError: Error, LocalizedError, Equatable {
    /// The file could not be read (missing, unreadable, a directory).
    case unreadable(path: String, reason: String)
    /// The data is empty.
    case empty
    /// The data is not in any format GlimpseImage decodes; `detected` names a known but unsupported one.
    case unsupportedFormat(detected: String?)
    /// The file is larger than `ImageLimits.maxFileBytes`.
    case fileTooLarge(bytes: Int, limit: Int)
    /// The declared size exceeds `ImageLimits.maxPixels` (or is zero); checked before decoding.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The data ends before the image does.
    case truncated(format: ImageFormat)
    /// The decoder rejected the data; `reason` is the library's message.
    case corrupt(format: ImageFormat, reason: String)
    /// The decoder library could not be set up (out of memory).
    case decoderUnavailable(format: ImageFormat)
    /// A size, box or parameter is invalid (zero or negative sizes, an empty crop box).
    case invalidArgument(String)
    /// The encoder failed.
    case encodingFailed(reason: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason):
            return "Cannot read the image file \(path): \(reason). Check that it exists and is readable."
        case .empty:
            return "The image file is empty (0 bytes). Remove it or replace it with a valid image."
        case .unsupportedFormat(let detected):
            if let detected {
                return "\(detected) images are not supported. Convert the file to JPEG, PNG, WebP or HEIC."
            }
            return "The file is not a JPEG, PNG, WebP, GIF, BMP, HEIC, AVIF, TIFF or camera raw image. Convert it, or exclude it from the collection."
        case .fileTooLarge(let bytes, let limit):
            let needed = (bytes + 1_048_575) / 1_048_576
            return "The image file has \(Self.grouped(bytes)) bytes, more than the limit of \(Self.grouped(limit)). If the image is genuine, raise the limit: "
                + "\(ImageLimits.fileMiBVariable)=\(needed) (MiB) in the environment, or ImageLimits.maxFileBytes."
        case .tooManyPixels(let width, let height, let limit):
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard width > 0, height > 0, !overflow else {
                return "The image declares \(width)×\(height) pixels, which no image can have. The file is damaged."
            }
            let needed = (pixels + 999_999) / 1_000_000
            return "The image declares \(width)×\(height) pixels (\(Self.pixelCount(pixels))), more than the limit of \(Self.pixelCount(limit)). If the image is genuine, "
                + "raise the limit: \(ImageLimits.megapixelsVariable)=\(needed) (megapixels) in the environment, or ImageLimits.maxPixels."
        case .truncated(let format):
            return "The \(format) file ends before the image does (a partial download or copy?). Replace it with a complete file."
        case .corrupt(let format, let reason):
            return "The \(format) data is corrupt: \(reason). Replace the file or re-save it with another program."
        case .decoderUnavailable(let format):
            return "The \(format) decoder could not be created (out of memory?)."
        case .invalidArgument(let reason):
            return "Invalid image operation: \(reason)."
        case .encodingFailed(let reason):
            return "Encoding the image failed: \(reason)."
        }
    }

    /// `12,345,678`: digits in groups of three, as people read large counts.
    static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude), groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        return (value < 0 ? "-" : "") + ([Substring(digits)] + groups).joined(separator: ",")
    }

    /// A pixel count in megapixels from one million on (`100 megapixels`, `12.6 megapixels`), else in pixels.
    static func pixelCount(_ pixels: Int) -> String {
        guard pixels >= 1_000_000 else { return "\(grouped(pixels)) pixels" }
        let tenths = (pixels + 50_000) / 100_000
        return "\(grouped(tenths / 10))\(tenths % 10 == 0 ? "" : ".\(tenths % 10)") megapixels"
    }
}
