import CRaw
import Foundation

/// Camera raw files (DNG, CR2, CR3, NEF, ARW, ORF, RW2, RAF, PEF, SRW, …) through LibRaw.
///
/// A camera stores, beside the sensor's data, a JPEG rendering of the shot for its own screen: full size
/// or a few megapixels for most cameras, a thumbnail for some. Where that preview is large enough — a
/// longer side of at least ``previewLongSide`` pixels, or as long as the sensor's own if that is
/// shorter — it is the picture Glimpse reads: the camera's colours, decoded in milliseconds. Otherwise
/// the sensor data is developed at half size (each 2×2 block of the mosaic one pixel, no interpolation)
/// with the camera's white balance into sRGB. Either way the file's orientation is applied.
///
/// LibRaw runs in a child process for every call (see `Sources/CRaw/shim.h`): a damaged file that
/// crashes it, or keeps it busy longer than ``timeLimit`` seconds, is an `ImageError`, not the end of
/// the process. The preview's JPEG is decoded here, by `JPEGDecoder`.
enum RawDecoder {
    /// The shortest longer side of an embedded preview that is used instead of developing the sensor data.
    static let previewLongSide = 1024
    /// The most wall-clock seconds LibRaw may take for one step of one file.
    static let timeLimit: UInt32 = 120

    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions) throws -> RGBImage {
        let opened = try LibRawChild.run(.preview, on: bytes)
        let orientation = options.appliesOrientation ? opened.orientation : nil
        if let preview = opened.output, let size = preview.withUnsafeBytes(JPEGDecoder.headerSize), opened.isUsable(previewOfSize: size) {
            var jpegOptions = options
            jpegOptions.appliesOrientation = false
            do {
                let image = try preview.withUnsafeBytes { try JPEGDecoder.decode($0, options: jpegOptions) }
                return orientation.map(image.applying) ?? image
            } catch ImageError.corrupt, ImageError.truncated {
                // A damaged preview: the sensor data may still be whole.
            }
        }
        try options.limits.check(width: Int(opened.answer.raw_width), height: Int(opened.answer.raw_height))
        let developed = try LibRawChild.run(.develop(appliesOrientation: options.appliesOrientation), on: bytes,
                                            capacity: Int(opened.answer.raw_width) * Int(opened.answer.raw_height) * 3)
        let answer = developed.answer
        let width = Int(answer.output_width), height = Int(answer.output_height)
        guard let pixels = developed.output, answer.output_colors == 3, answer.output_bits == 8, pixels.count == width * height * 3 else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw developed an unexpected pixel layout")
        }
        return try RGBImage(width: width, height: height, pixels: [UInt8](pixels))
    }

    /// The size `decode` gives the image, from the headers and the preview's header alone.
    static func size(of bytes: UnsafeRawBufferPointer, appliesOrientation: Bool) throws -> PixelSize {
        let opened = try LibRawChild.run(.preview, on: bytes)
        if let preview = opened.output, let size = preview.withUnsafeBytes(JPEGDecoder.headerSize), opened.isUsable(previewOfSize: size) {
            let swaps = appliesOrientation && opened.orientation?.swapsDimensions == true
            return swaps ? PixelSize(width: size.height, height: size.width) : size
        }
        let answer = try LibRawChild.run(.developedSize(appliesOrientation: appliesOrientation), on: bytes).answer
        return PixelSize(width: Int(answer.output_width), height: Int(answer.output_height))
    }

    /// Whether LibRaw finds a raw image in a TIFF-structured file (DNG, NEF, ARW, PEF, …, which begin as
    /// any TIFF does). Files whose first IFD names no camera maker are taken for ordinary TIFFs unasked.
    static func recognises(tiff bytes: UnsafeRawBufferPointer) -> Bool {
        guard let tiff = TIFFBlock(bytes), let ifd0 = tiff.firstIFD else { return false }
        if tiff.value(of: 0xC612, inIFDAt: ifd0) != nil { return true } // DNGVersion
        guard tiff.value(of: 0x010F, inIFDAt: ifd0) != nil else { return false } // Make
        return (try? LibRawChild.run(.open, on: bytes)) != nil
    }
}

/// One LibRaw call made in a child process, and its answer.
private struct LibRawChild {
    enum Task {
        case open, preview, develop(appliesOrientation: Bool), developedSize(appliesOrientation: Bool)
    }

    /// The child's answer (its status was a success).
    let answer: glimpse_raw_answer
    /// The output the child wrote: the preview's JPEG or the developed pixels; nil when none.
    let output: Data?

    /// Runs `task` on `bytes` in a child process; throws the LibRaw error, or the signal that ended it.
    static func run(_ task: Task, on bytes: UnsafeRawBufferPointer, capacity: Int? = nil) throws -> LibRawChild {
        let (code, flip): (glimpse_raw_task, Bool) = switch task {
        case .open: (GLIMPSE_RAW_OPEN, true)
        case .preview: (GLIMPSE_RAW_PREVIEW, true)
        case .develop(let flip): (GLIMPSE_RAW_DEVELOP, flip)
        case .developedSize(let flip): (GLIMPSE_RAW_DEVELOPED_SIZE, flip)
        }
        let room = capacity ?? (code == GLIMPSE_RAW_PREVIEW ? bytes.count : 0)
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard glimpse_raw_run(code, bytes.baseAddress, bytes.count, flip ? 1 : 0, room, RawDecoder.timeLimit, &base, &size) == 0,
              let base else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "no process could be started to read it (\(String(cString: strerror(errno))))")
        }
        defer { munmap(base, size) }
        let answer = base.load(as: glimpse_raw_answer.self)
        if answer.signal == SIGALRM {
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw took more than \(RawDecoder.timeLimit) s on it and was stopped")
        }
        if answer.signal != 0 {
            let name = strsignal(answer.signal).map { String(cString: $0) } ?? "signal \(answer.signal)"
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw crashed reading it (\(name)); nothing else was affected")
        }
        if answer.exited_oddly != 0 {
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw's process ended without an answer")
        }
        guard answer.status == LIBRAW_SUCCESS.rawValue else { throw error(answer.status) }
        guard answer.width > 0, answer.height > 0 else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "the headers give no image size")
        }
        let length = min(answer.length, room)
        let output = length > 0 ? Data(bytes: base + MemoryLayout<glimpse_raw_answer>.size, count: length) : nil
        return LibRawChild(answer: answer, output: output)
    }

    /// The file's orientation as an EXIF orientation (from dcraw's flip code), nil when upright.
    var orientation: ExifOrientation? {
        let exif: [Int32: ExifOrientation] = [
            1: .upMirrored, 2: .downMirrored, 3: .down, 4: .leftMirrored, 5: .left, 6: .right, 7: .rightMirrored,
        ]
        return exif[answer.flip]
    }

    /// Whether a preview of `size` is large enough to stand for the picture.
    func isUsable(previewOfSize size: PixelSize) -> Bool {
        max(size.width, size.height) >= min(RawDecoder.previewLongSide, Int(max(answer.width, answer.height)))
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
