import Foundation

/// A width and a height in pixels.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }
}

/// How images are decoded.
public struct DecodingOptions: Sendable {
    public var limits: ImageLimits
    /// Apply the EXIF orientation so that photos come out upright (default true).
    public var appliesOrientation: Bool
    /// JPEG fast path: when set, libjpeg-turbo scales by 1/2, 1/4 or 1/8 in the DCT domain as long as
    /// both sides stay at least this large. Faster for big photos; pixels then differ from Pillow's
    /// full decode followed by resizing: for CLIP on a 12-megapixel photo, with at least twice the model
    /// resolution kept, max abs 0.13 (≈ 8 levels) and mean abs 0.003 after normalisation. Nil (default): exact.
    public var jpegMinimumSize: PixelSize?

    public init(limits: ImageLimits = .default, appliesOrientation: Bool = true, jpegMinimumSize: PixelSize? = nil) {
        self.limits = limits
        self.appliesOrientation = appliesOrientation
        self.jpegMinimumSize = jpegMinimumSize
    }
}

/// Decodes image files into `RGBImage`s: JPEG, PNG, WebP, GIF (first frame), BMP, HEIC/HEIF, AVIF,
/// TIFF (first page) and camera raw files (see `RawDecoder`). The format is taken from the data, never from the file name.
public enum ImageDecoder {
    /// Reads and decodes the file at `url`, checking its size against the limits first.
    public static func decode(contentsOf url: URL, options: DecodingOptions = DecodingOptions()) throws -> RGBImage {
        let size: Int
        do {
            let values = try url.resourceValues(forKeys: [.fileSizeKey, .isDirectoryKey])
            if values.isDirectory == true { throw ImageError.unreadable(path: url.path, reason: "it is a directory") }
            size = values.fileSize ?? 0
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        if size > options.limits.maxFileBytes {
            throw ImageError.fileTooLarge(bytes: size, limit: options.limits.maxFileBytes)
        }
        let data: Data
        do {
            // Read, not mapped: a file truncated by another program while mapped would crash the process.
            data = try Data(contentsOf: url)
        } catch {
            throw ImageError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, options: options)
    }

    /// The size `decode` would give the image in `data` (EXIF orientation applied), read from its header
    /// alone: every decoder checks the header's size against `ImageLimits` before it decodes a pixel, so
    /// with a budget of zero pixels it stops right there. Errors are those of `decode` for a file whose
    /// header cannot be read.
    public static func size(of data: Data, appliesOrientation: Bool = true) throws -> PixelSize {
        guard let format = ImageFormat.detect(data.prefix(16)) else {
            throw data.isEmpty ? ImageError.empty : ImageError.unsupportedFormat(detected: nil)
        }
        if let raw = try data.withUnsafeBytes({ bytes in
            try RawDecoder.ifRaw(bytes, detected: format) { try RawDecoder.size(of: bytes, appliesOrientation: appliesOrientation) }
        }) {
            return raw
        }
        let headerOnly = DecodingOptions(limits: ImageLimits(maxPixels: 0, maxFileBytes: Int.max), appliesOrientation: false)
        do {
            _ = try decode(data, options: headerOnly)
        } catch let ImageError.tooManyPixels(width, height, _) where width > 0 && height > 0 {
            let orientation = appliesOrientation ? data.withUnsafeBytes { ExifOrientation.read(from: $0, format: format) } : nil
            return orientation?.swapsDimensions == true ? PixelSize(width: height, height: width) : PixelSize(width: width, height: height)
        }
        throw ImageError.corrupt(format: format, reason: "the header gives no size")
    }

    /// The format of the image in `data`: `ImageFormat.detect`'s answer, except that a TIFF-structured camera
    /// raw file (DNG, NEF, ARW, PEF, …) is `.cameraRaw`, which takes more than the first bytes to tell.
    public static func format(of data: Data) -> ImageFormat? {
        let format = ImageFormat.detect(data.prefix(16))
        guard format == .tiff else { return format }
        return data.withUnsafeBytes { RawDecoder.recognises(tiff: $0) } ? .cameraRaw : .tiff
    }

    /// Decodes an encoded image held in memory.
    public static func decode(_ data: Data, options: DecodingOptions = DecodingOptions()) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageError.empty }
        guard data.count <= options.limits.maxFileBytes else {
            throw ImageError.fileTooLarge(bytes: data.count, limit: options.limits.maxFileBytes)
        }
        guard let format = ImageFormat.detect(data.prefix(16)) else { throw ImageError.unsupportedFormat(detected: nil) }
        return try data.withUnsafeBytes { bytes in
            // Orientation is applied inside.
            if let raw = try RawDecoder.ifRaw(bytes, detected: format, { try RawDecoder.decode(bytes, options: options) }) { return raw }
            let image: RGBImage
            switch format {
            case .jpeg: image = try JPEGDecoder.decode(bytes, options: options)
            case .png: image = try PNGDecoder.decode(bytes, options: options)
            case .webp: image = try WebPDecoder.decode(bytes, options: options)
            case .gif: image = try GIFDecoder.decode(bytes, options: options)
            case .bmp: image = try BMPDecoder.decode(bytes, options: options)
            case .heif, .avif: image = try HEIFDecoder.decode(bytes, options: options, format: format)
            case .tiff: image = try TIFFDecoder.decode(bytes, options: options)
            default: throw ImageError.unsupportedFormat(detected: format.rawValue)
            }
            guard options.appliesOrientation, let orientation = ExifOrientation.read(from: bytes, format: format) else {
                return image
            }
            return image.applying(orientation)
        }
    }
}

/// Bounds that protect against decompression bombs and absurd files. Checked from the file size and
/// the image header, before any allocation proportional to the image.
public struct ImageLimits: Sendable, Equatable {
    /// The largest pixel count (width × height) decoded. Default 100 megapixels.
    public var maxPixels: Int
    /// The largest file read, in bytes. Default 256 MiB.
    public var maxFileBytes: Int

    /// The environment variable that sets ``maxPixels`` in megapixels (for genuine panoramas).
    public static let megapixelsVariable = "GLIMPSE_MAX_MEGAPIXELS"
    /// The environment variable that sets ``maxFileBytes`` in MiB.
    public static let fileMiBVariable = "GLIMPSE_MAX_FILE_MB"

    public init(maxPixels: Int = 100_000_000, maxFileBytes: Int = 256 << 20) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
    }

    /// The defaults, with ``megapixelsVariable`` and ``fileMiBVariable`` applied where they hold a
    /// positive number (anything else is ignored).
    public init(environment: [String: String]) {
        self.init()
        func positive(_ name: String) -> Double? {
            environment[name].flatMap(Double.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        }
        if let megapixels = positive(Self.megapixelsVariable) { maxPixels = Int(min(megapixels * 1e6, 1e15)) }
        if let mebibytes = positive(Self.fileMiBVariable) { maxFileBytes = Int(min(mebibytes * 1_048_576, 1e15)) }
    }

    /// The limits in force: the defaults, or what the process's environment sets.
    public static let `default` = ImageLimits(environment: ProcessInfo.processInfo.environment)

    /// Throws unless `width × height` is positive and within `maxPixels`.
    func check(width: Int, height: Int) throws {
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !overflow, count <= maxPixels else {
            throw ImageError.tooManyPixels(width: width, height: height, limit: maxPixels)
        }
    }
}
