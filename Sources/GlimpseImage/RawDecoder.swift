import CRaw

/// Camera raw files (DNG, CR2, CR3, NEF, ARW, ORF, RW2, RAF, PEF, SRW, …) through LibRaw.
///
/// A camera stores, beside the sensor's data, a JPEG rendering of the shot for its own screen: full size
/// or a few megapixels for most cameras, a thumbnail for some. Where that preview is large enough — a
/// longer side of at least ``previewLongSide`` pixels, or as long as the sensor's own if that is
/// shorter — it is the picture Glimpse reads: the camera's colours, decoded in milliseconds. Otherwise
/// the sensor data is developed at half size (each 2×2 block of the mosaic one pixel, no interpolation)
/// with the camera's white balance into sRGB. Either way the file's orientation is applied.
enum RawDecoder {
    /// The shortest longer side of an embedded preview that is used instead of developing the sensor data.
    static let previewLongSide = 1024

    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let raw = try OpenRaw(bytes, limits: options.limits)
        if let preview = try raw.usablePreview() {
            var jpegOptions = options
            jpegOptions.appliesOrientation = false
            do {
                let image = try JPEGDecoder.decode(preview, options: jpegOptions)
                guard options.appliesOrientation, let orientation = raw.orientation else { return image }
                return image.applying(orientation)
            } catch ImageError.corrupt, ImageError.truncated {
                // A damaged preview: the sensor data may still be whole.
            }
        }
        return try raw.develop(appliesOrientation: options.appliesOrientation)
    }

    /// The size `decode` gives the image, from the headers and the preview's header alone.
    static func size(of bytes: UnsafeRawBufferPointer, appliesOrientation: Bool) throws -> PixelSize {
        let raw = try OpenRaw(bytes, limits: ImageLimits(maxPixels: .max, maxFileBytes: .max))
        if let preview = try raw.usablePreview(), let size = JPEGDecoder.headerSize(preview) {
            let swaps = appliesOrientation && raw.orientation?.swapsDimensions == true
            return swaps ? PixelSize(width: size.height, height: size.width) : size
        }
        return try raw.developedSize(appliesOrientation: appliesOrientation)
    }

    /// Whether LibRaw finds a raw image in a TIFF-structured file (DNG, NEF, ARW, PEF, …, which begin as
    /// any TIFF does). Files whose first IFD names no camera maker are taken for ordinary TIFFs unasked.
    static func recognises(tiff bytes: UnsafeRawBufferPointer) -> Bool {
        guard let tiff = TIFFBlock(bytes), let ifd0 = tiff.firstIFD else { return false }
        if tiff.value(of: 0xC612, inIFDAt: ifd0) != nil { return true } // DNGVersion
        guard tiff.value(of: 0x010F, inIFDAt: ifd0) != nil else { return false } // Make
        return (try? OpenRaw(bytes, limits: ImageLimits(maxPixels: .max, maxFileBytes: .max))) != nil
    }
}

/// One raw file opened by LibRaw: its headers read, nothing decoded yet. Closed when released.
private final class OpenRaw {
    private let handle: UnsafeMutablePointer<libraw_data_t>
    private let facts: glimpse_raw_facts
    private let limits: ImageLimits

    init(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws {
        guard let handle = libraw_init(0) else { throw ImageError.decoderUnavailable(format: .cameraRaw) }
        self.handle = handle
        self.limits = limits
        var facts = glimpse_raw_facts()
        let status = glimpse_raw_open(handle, bytes.baseAddress, bytes.count, &facts)
        self.facts = facts
        guard status == LIBRAW_SUCCESS.rawValue else { throw Self.error(status) }
        guard facts.width > 0, facts.height > 0 else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "the headers give no image size")
        }
    }

    deinit { libraw_close(handle) }

    /// The file's orientation as an EXIF orientation (from dcraw's flip code), nil when upright.
    var orientation: ExifOrientation? {
        let exif: [Int32: ExifOrientation] = [
            1: .upMirrored, 2: .downMirrored, 3: .down, 4: .leftMirrored, 5: .left, 6: .right, 7: .rightMirrored,
        ]
        return exif[facts.flip]
    }

    /// The embedded JPEG preview when it is large enough to stand for the picture (the bytes live as long
    /// as this object), else nil.
    func usablePreview() throws -> UnsafeRawBufferPointer? {
        var jpeg: UnsafePointer<UInt8>?
        var length = 0
        guard glimpse_raw_preview(handle, &jpeg, &length) == LIBRAW_SUCCESS.rawValue, let jpeg, length > 0 else { return nil }
        let preview = UnsafeRawBufferPointer(start: jpeg, count: length)
        // LibRaw does not always know a preview's size before reading it; its JPEG header does.
        guard let size = JPEGDecoder.headerSize(preview) else { return nil }
        let wanted = min(RawDecoder.previewLongSide, Int(max(facts.width, facts.height)))
        return max(size.width, size.height) >= wanted ? preview : nil
    }

    /// The sensor data developed at half size, upright unless `appliesOrientation` is false.
    func develop(appliesOrientation: Bool) throws -> RGBImage {
        try limits.check(width: Int(facts.raw_width), height: Int(facts.raw_height))
        if !appliesOrientation { handle.pointee.params.user_flip = 0 }
        var status: Int32 = 0
        guard let image = glimpse_raw_develop(handle, &status) else { throw Self.error(status) }
        defer { libraw_dcraw_clear_mem(image) }
        let width = Int(image.pointee.width), height = Int(image.pointee.height)
        guard image.pointee.type == LIBRAW_IMAGE_BITMAP, image.pointee.colors == 3, image.pointee.bits == 8,
              Int(image.pointee.data_size) == width * height * 3 else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw developed an unexpected pixel layout")
        }
        let data = UnsafeRawPointer(image).advanced(by: MemoryLayout<libraw_processed_image_t>.offset(of: \.data)!)
        let pixels = [UInt8](UnsafeRawBufferPointer(start: data, count: width * height * 3))
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The size `develop` gives, without developing.
    func developedSize(appliesOrientation: Bool) throws -> PixelSize {
        handle.pointee.params.half_size = 1
        if !appliesOrientation { handle.pointee.params.user_flip = 0 }
        let status = libraw_adjust_sizes_info_only(handle)
        guard status == LIBRAW_SUCCESS.rawValue else { throw Self.error(status) }
        return PixelSize(width: Int(handle.pointee.sizes.iwidth), height: Int(handle.pointee.sizes.iheight))
    }

    private static func error(_ status: Int32) -> ImageError {
        switch status {
        case LIBRAW_FILE_UNSUPPORTED.rawValue:
            return .unsupportedFormat(detected: "This camera's raw")
        case LIBRAW_IO_ERROR.rawValue:
            return .truncated(format: .cameraRaw)
        default:
            let message = libraw_strerror(status).map { String(cString: $0) } ?? "LibRaw error \(status)"
            return .corrupt(format: .cameraRaw, reason: message)
        }
    }
}
