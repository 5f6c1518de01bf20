/// Bounds that protect against decompression bombs and absurd files. Checked from the file size and
/// the image header, before any allocation proportional to the image.
public struct ImageLimits: Sendable, Equatable {
    /// The largest pixel count (width × height) decoded. Default 100 megapixels.
    public var maxPixels: Int
    /// The largest file read, in bytes. Default 256 MiB.
    public var maxFileBytes: Int

    public init(maxPixels: Int = 100_000_000, maxFileBytes: Int = 256 << 20) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
    }

    public static let `default` = ImageLimits()

    /// Throws unless `width × height` is positive and within `maxPixels`.
    func check(width: Int, height: Int) throws {
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !overflow, count <= maxPixels else {
            throw ImageError.tooManyPixels(width: width, height: height, limit: maxPixels)
        }
    }
}
