import CRaw
import Foundation

/// Camera raw files (DNG, CR2, CR3, NEF, ARW, ORF, RW2, RAF, PEF, SRW, …) through LibRaw.
///
/// A camera stores, beside the sensor's data, a JPEG rendering of the shot for its own screen: full size
/// or a few megapixels for most cameras, a thumbnail for some. Where that preview is large enough — a
/// longer side of at least ``previewLongSide`` pixels, or as long as the sensor's own if that is
/// shorter — it is the picture Glimpse reads: the camera's colours, in a fraction of a second. Otherwise
/// the sensor data is developed at half size (each 2×2 block of the mosaic one pixel, no interpolation)
/// with the camera's white balance into sRGB. Either way the file's orientation is applied.
///
/// LibRaw runs in a child process for every call (see `Sources/CRaw/shim.h`): a damaged file that
/// crashes it, or keeps it busy longer than ``timeLimit`` seconds, is an `ImageError`, not the end of
/// the process. The child is ``worker`` where it is installed, else a fork of this process. The preview's
/// JPEG is decoded here, by `JPEGDecoder`.
enum RawDecoder {
    /// The environment variable naming the worker executable; `fork` makes every child a fork.
    static let workerVariable = "GLIMPSE_RAW_WORKER"

    /// The `glimpse-raw-worker` executable: ``workerVariable``'s, else the one beside the running
    /// executable; nil when there is none (children are then forks of this process).
    static let worker: String? = {
        let fileManager = FileManager.default
        if let named = ProcessInfo.processInfo.environment[workerVariable], !named.isEmpty {
            return named != "fork" && fileManager.isExecutableFile(atPath: named) ? named : nil
        }
        guard let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let beside = (executable as NSString).deletingLastPathComponent + "/glimpse-raw-worker"
        return fileManager.isExecutableFile(atPath: beside) ? beside : nil
    }()

    /// The shortest longer side of an embedded preview that is used instead of developing the sensor data.
    static let previewLongSide = 1024
    /// The most wall-clock seconds LibRaw may take for one file; then its process is killed.
    static let timeLimit: UInt32 = 120

    /// `worker`: the child's executable, nil for a fork of this process; `timeLimit`: its seconds.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions, worker: String? = worker,
                       timeLimit: UInt32 = timeLimit) throws -> RGBImage {
        var preview = true
        while true {
            let child = try LibRawChild.run(GLIMPSE_RAW_DECODE, on: bytes, limits: options.limits, appliesOrientation: options.appliesOrientation,
                                            usesPreview: preview, worker: worker, timeLimit: timeLimit)
            let answer = child.answer
            switch answer.output {
            case GLIMPSE_RAW_JPEG_PREVIEW:
                guard let jpeg = child.output else { throw ImageError.corrupt(format: .cameraRaw, reason: "its preview could not be read") }
                var jpegOptions = options
                jpegOptions.appliesOrientation = false
                do {
                    let image = try jpeg.withUnsafeBytes { try JPEGDecoder.decode($0, options: jpegOptions) }
                    guard options.appliesOrientation, let orientation = child.orientation else { return image }
                    return image.applying(orientation)
                } catch ImageError.corrupt, ImageError.truncated {
                    preview = false  // a damaged preview: the sensor data may still be whole
                }
            case GLIMPSE_RAW_TOO_LARGE:
                throw ImageError.tooManyPixels(width: Int(answer.raw_width), height: Int(answer.raw_height), limit: options.limits.maxPixels)
            case GLIMPSE_RAW_DEVELOPED:
                let width = Int(answer.output_width), height = Int(answer.output_height)
                guard let pixels = child.output, answer.output_colors == 3, answer.output_bits == 8, pixels.count == width * height * 3 else {
                    throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw developed an unexpected pixel layout")
                }
                return try RGBImage(width: width, height: height, pixels: [UInt8](pixels))
            default:
                throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw gave no image")
            }
        }
    }

    /// The size `decode` gives the image, from the headers and the preview's header alone.
    static func size(of bytes: UnsafeRawBufferPointer, appliesOrientation: Bool) throws -> PixelSize {
        let child = try LibRawChild.run(GLIMPSE_RAW_SIZE, on: bytes, appliesOrientation: appliesOrientation)
        let size = PixelSize(width: Int(child.answer.output_width), height: Int(child.answer.output_height))
        guard child.answer.output == GLIMPSE_RAW_JPEG_PREVIEW else { return size }
        let swaps = appliesOrientation && child.orientation?.swapsDimensions == true
        return swaps ? PixelSize(width: size.height, height: size.width) : size
    }

    /// `read`'s answer when the data may be a raw file: one by its signature, or a TIFF that records a DNG
    /// version or a camera maker (DNG, NEF, ARW, PEF, … begin as any TIFF does). Nil for other data, and for
    /// a TIFF in which LibRaw finds no raw image (libtiff reads those).
    static func ifRaw<T>(_ bytes: UnsafeRawBufferPointer, detected: ImageFormat, _ read: () throws -> T) throws -> T? {
        guard detected == .cameraRaw || (detected == .tiff && mayBeRaw(tiff: bytes)) else { return nil }
        do {
            return try read()
        } catch ImageError.unsupportedFormat where detected == .tiff {
            return nil
        }
    }

    /// Whether a TIFF-structured file is a raw file: a DNG, or one in which LibRaw finds a raw image.
    /// Asks LibRaw only when the tags leave it open (`CameraRawTIFF`).
    static func recognises(tiff bytes: UnsafeRawBufferPointer) -> Bool {
        switch CameraRawTIFF(bytes) {
        case .dng, .mosaic: true
        case .namesMaker: (try? LibRawChild.run(GLIMPSE_RAW_OPEN, on: bytes)) != nil
        case .plain: false
        }
    }

    /// Whether a TIFF may be a raw file: its first IFD records a DNG version or a camera maker.
    private static func mayBeRaw(tiff bytes: UnsafeRawBufferPointer) -> Bool { CameraRawTIFF(bytes) != .plain }
}

/// One LibRaw call made in a child process, and its answer.
private struct LibRawChild {
    /// The child's answer (its status was a success).
    let answer: glimpse_raw_answer
    /// The output the child wrote: the preview's JPEG or the developed pixels; nil when none.
    let output: Data?

    /// Runs `task` on `bytes` in a child process; throws the LibRaw error, or the signal that ended it.
    static func run(_ task: glimpse_raw_task, on bytes: UnsafeRawBufferPointer, limits: ImageLimits = ImageLimits(),
                    appliesOrientation: Bool = true, usesPreview: Bool = true, worker: String? = RawDecoder.worker,
                    timeLimit: UInt32 = RawDecoder.timeLimit) throws -> LibRawChild {
        var request = glimpse_raw_request(task: task, apply_flip: appliesOrientation ? 1 : 0, use_preview: usesPreview ? 1 : 0,
                                          preview_long_side: Int32(RawDecoder.previewLongSide),
                                          max_pixels: Int64(limits.maxPixels), seconds: timeLimit)
        // Room for the preview (part of the file) or the developed image (a quarter of the sensor's pixels, twice
        // that for the rare sensors whose pixels are not square); untouched pages of the mapping cost nothing.
        let room = task == GLIMPSE_RAW_DECODE ? min(max(bytes.count, limits.maxPixels / 2 * 3), 8 << 30) : 0
        var base: UnsafeMutableRawPointer?
        var size = 0
        // A worker that cannot be started (removed meanwhile, no memory files here) leaves forking.
        let spawned = worker.map { glimpse_raw_spawn($0, &request, bytes.baseAddress, bytes.count, room, &base, &size) == 0 } ?? false
        guard spawned || glimpse_raw_run(&request, bytes.baseAddress, bytes.count, room, &base, &size) == 0, let base else {
            throw ImageError.corrupt(format: .cameraRaw, reason: "no process could be started to read it (\(String(cString: strerror(errno))))")
        }
        defer { munmap(base, size) }
        let answer = base.load(as: glimpse_raw_answer.self)
        if answer.timed_out != 0 {
            throw ImageError.corrupt(format: .cameraRaw, reason: "LibRaw took more than \(timeLimit) s on it and was stopped")
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
