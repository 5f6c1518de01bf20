import Foundation
import Testing
@testable import GlimpseImage

/// Camera raw files through LibRaw, on the DNGs of `Tools/fixtures/make_raw_fixtures.py`: a 96×64 RGGB
/// mosaic whose left third is red and the rest blue, with a large JPEG preview, a small one, or none.
@Suite("Camera raw files")
struct RawDecodingTests {
    static func data(_ name: String) throws -> Data { try Fixtures.data("raw/\(name)") }

    /// The colour at (x, y): "red", "blue" or "other".
    static func colour(_ image: RGBImage, _ x: Int, _ y: Int) -> String {
        let i = (y * image.width + x) * 3
        let (r, g, b) = (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
        if r > 200 && g < 130 && b < 130 { return "red" }
        if b > 200 && r < 130 && g < 130 { return "blue" }
        return "other(\(r),\(g),\(b))"
    }

    @Test("DNGs are told from ordinary TIFFs by their content, and raw file names count as images")
    func recognised() throws {
        for name in ["preview.dng", "small-preview.dng", "no-preview.dng"] {
            #expect(ImageDecoder.format(of: try Self.data(name)) == .cameraRaw, "\(name)")
            #expect(ImageFormat.detect(try Self.data(name).prefix(16)) == .tiff, "\(name): the first bytes are a TIFF's")
        }
        for tiff in ["images/rgba_deflate_50x40.tif", "images/jpeg_80x64.tif", "dates/ifd0_only.tif"] {
            #expect(ImageDecoder.format(of: try Fixtures.data(tiff)) == .tiff, "\(tiff)")
        }
        #expect(ImageFormat.isImageFileName("/photos/DSC_0001.NEF"))
        #expect(ImageFormat.isImageFileName("IMG_0001.cr3") && ImageFormat.isImageFileName("a.dng"))
        #expect(!ImageFormat.isImageFileName("IMG_0001.xmp"))
        let headers: [(String, [UInt8])] = [
            ("CR2", [0x49, 0x49, 0x2A, 0x00, 0x10, 0, 0, 0, 0x43, 0x52, 2, 0]),
            ("ORF", Array("IIRO".utf8) + [8, 0, 0, 0]),
            ("RW2", [0x49, 0x49, 0x55, 0x00, 8, 0, 0, 0]),
            ("RAF", Array("FUJIFILMCCD-RAW 0201".utf8)),
            ("CR3", [0, 0, 0, 0x18] + Array("ftypcrx ".utf8)),
        ]
        for (name, header) in headers { #expect(ImageFormat.detect(header) == .cameraRaw, "\(name)") }
    }

    @Test("a TIFF that names its maker (as scanners write them) is asked of LibRaw, which refuses it, and libtiff reads it")
    func tiffNamingAMaker() throws {
        let data = try Self.data("maker.tif")
        #expect(ImageFormat.detect(data.prefix(16)) == .tiff)
        #expect(ImageDecoder.format(of: data) == .tiff)
        let image = try ImageDecoder.decode(data)
        #expect(image.width == 40 && image.height == 30)
        #expect(Array(image.pixels.prefix(3)) == [240, 120, 0])
        #expect(try ImageDecoder.size(of: data) == PixelSize(width: 40, height: 30))
    }

    @Test("a TIFF naming its maker with a sensor mosaic in a SubIFD (as NEF files are) is a raw file by its tags alone")
    func mosaicByTags() throws {
        // preview.dng with its DNGVersion tag renamed (0xC612 → 0xC6FF): a maker, a CFA SubIFD, no DNG version.
        var bytes = [UInt8](try Self.data("preview.dng"))
        let ifd0 = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        let entries = Int(bytes[ifd0]) | Int(bytes[ifd0 + 1]) << 8
        let entry = try #require((0..<entries).map { ifd0 + 2 + 12 * $0 }.first { bytes[$0] == 0x12 && bytes[$0 + 1] == 0xC6 })
        bytes[entry] = 0xFF
        let renamed = Data(bytes)
        #expect(renamed.withUnsafeBytes { CameraRawTIFF($0) } == .mosaic)
        #expect(ImageDecoder.format(of: renamed) == .cameraRaw)
        #expect(try Self.data("maker.tif").withUnsafeBytes { CameraRawTIFF($0) } == .namesMaker)
        #expect(try Fixtures.data("images/jpeg_80x64.tif").withUnsafeBytes { CameraRawTIFF($0) } == .plain)
        #expect(try Self.data("no-preview.dng").withUnsafeBytes { CameraRawTIFF($0) } == .dng)
    }

    @Test("a large embedded preview is the picture: the JPEG's pixels, turned by the raw file's orientation")
    func preview() throws {
        let data = try Self.data("preview.dng")
        let image = try ImageDecoder.decode(data)
        let jpeg = try ImageDecoder.decode(try Self.data("preview.jpg"), options: DecodingOptions(appliesOrientation: false))
        #expect(jpeg.width == 192 && jpeg.height == 128)
        let expected = jpeg.applying(.right)
        #expect(image.width == 128 && image.height == 192)
        let samePixels = image.pixels == expected.pixels
        #expect(samePixels)
        #expect(try ImageDecoder.size(of: data) == PixelSize(width: 128, height: 192))
        let stored = try ImageDecoder.decode(data, options: DecodingOptions(appliesOrientation: false))
        let storedAsInJPEG = stored.pixels == jpeg.pixels
        #expect(storedAsInJPEG)
        #expect(try ImageDecoder.size(of: data, appliesOrientation: false) == PixelSize(width: 192, height: 128))
    }

    @Test("without a usable preview the mosaic is developed at half size with the camera's colours")
    func developed() throws {
        let data = try Self.data("small-preview.dng")
        let image = try ImageDecoder.decode(data)
        #expect(image.width == 48 && image.height == 32)
        #expect(try ImageDecoder.size(of: data) == PixelSize(width: 48, height: 32))
        for y in [1, 16, 30] {
            #expect(Self.colour(image, 2, y) == "red")
            #expect(Self.colour(image, 12, y) == "red")
            #expect(Self.colour(image, 20, y) == "blue")
            #expect(Self.colour(image, 46, y) == "blue")
        }
    }

    @Test("a developed mosaic is turned upright too (orientation 8: the left edge becomes the bottom)")
    func developedAndTurned() throws {
        let data = try Self.data("no-preview.dng")
        let image = try ImageDecoder.decode(data)
        #expect(image.width == 32 && image.height == 48)
        #expect(try ImageDecoder.size(of: data) == PixelSize(width: 32, height: 48))
        #expect(Self.colour(image, 16, 46) == "red")
        #expect(Self.colour(image, 16, 2) == "blue")
        let stored = try ImageDecoder.decode(data, options: DecodingOptions(appliesOrientation: false))
        #expect(stored.width == 48 && stored.height == 32)
        #expect(Self.colour(stored, 2, 16) == "red" && Self.colour(stored, 46, 16) == "blue")
        #expect(try ImageDecoder.size(of: data, appliesOrientation: false) == PixelSize(width: 48, height: 32))
    }

    @Test("dates taken: DateTimeOriginal, else IFD0's DateTime, else none")
    func dates() throws {
        let expected = ["preview.dng": "2021-05-17T10:11:12", "small-preview.dng": "2019-01-02T03:04:05"]
        for name in ["preview.dng", "small-preview.dng", "no-preview.dng"] {
            let data = try Self.data(name)
            let format = try #require(ImageDecoder.format(of: data))
            #expect(data.withUnsafeBytes { ExifDateTaken.read(from: $0, format: format) } == expected[name], "\(name)")
        }
    }

    @Test("dates of Olympus ORF and Fujifilm RAF files (TIFF with another magic number; a JPEG preview first)")
    func datesOfOtherRaws() throws {
        var orf = ExifDateTakenTests.bigEndianBlock(original: "2012:03:04 05:06:07")
        orf[2] = 0x4F
        orf[3] = 0x52  // "MMOR"
        #expect(ImageFormat.detect(orf) == .cameraRaw)
        #expect(orf.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == "2012-03-04T05:06:07")

        let jpeg = [UInt8](try Fixtures.data("dates/original.jpg"))
        let jpegDate = jpeg.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .jpeg) }
        #expect(jpegDate != nil)
        var raf = [UInt8](repeating: 0, count: 100)
        raf.replaceSubrange(0..<16, with: Array("FUJIFILMCCD-RAW ".utf8))
        raf.replaceSubrange(84..<92, with: [0, 0, 0, 100, UInt8(jpeg.count >> 24), UInt8(jpeg.count >> 16 & 0xFF),
                                            UInt8(jpeg.count >> 8 & 0xFF), UInt8(jpeg.count & 0xFF)])
        raf += jpeg
        #expect(raf.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == jpegDate)
        raf[87] = 0xFF  // an offset past the end
        #expect(raf.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == nil)
    }

    /// A big-endian TIFF block whose first IFD holds one ASCII entry.
    static func tiff(tag: Int, text: String) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        func u32(_ value: Int) -> [UInt8] { u16(value >> 16) + u16(value & 0xFFFF) }
        let ascii = Array(text.utf8) + [0]
        return [0x4D, 0x4D] + u16(42) + u32(8) + u16(1) + u16(tag) + u16(2) + u32(ascii.count) + u32(26) + u32(0) + ascii
    }

    /// An ISO base media box.
    static func box(_ type: String, _ content: [UInt8]) -> [UInt8] {
        let size = 8 + content.count
        return [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] + Array(type.utf8) + content
    }

    @Test("dates of Canon CR3 files: the Exif IFD in moov's Canon box (CMT2), else IFD0's DateTime (CMT1)")
    func datesOfCR3() {
        func cr3(_ inner: [[UInt8]]) -> [UInt8] {
            Self.box("ftyp", Array("crx ".utf8) + [0, 0, 0, 1] + Array("crx isom".utf8))
                + Self.box("moov", Self.box("mvhd", [UInt8](repeating: 0, count: 20)) + Self.box("uuid", CR3Metadata.canonUUID + inner.flatMap { $0 }))
                + Self.box("mdat", [1, 2, 3])
        }
        let both = cr3([Self.box("CNCV", Array("CanonCR3_001/00.09.00/00.00.00".utf8)),
                        Self.box("CMT1", Self.tiff(tag: 0x0132, text: "2020:01:02 03:04:05")),
                        Self.box("CMT2", Self.tiff(tag: 0x9003, text: "2019:08:07 06:05:04"))])
        #expect(ImageFormat.detect(both) == .cameraRaw)
        #expect(both.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == "2019-08-07T06:05:04")
        let ifd0Only = cr3([Self.box("CMT1", Self.tiff(tag: 0x0132, text: "2020:01:02 03:04:05"))])
        #expect(ifd0Only.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == "2020-01-02T03:04:05")
        #expect(cr3([]).withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == nil)
        for cut in stride(from: 0, to: both.count, by: 7) {  // every truncation: a date or none, never a crash
            let read = Array(both.prefix(cut)).withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) }
            #expect(read == nil || read == "2019-08-07T06:05:04")
        }
        var lying = both
        lying[3] = 0xFF  // the ftyp box claims more bytes than the file has
        #expect(lying.withUnsafeBytes { ExifDateTaken.read(from: $0, format: .cameraRaw) } == nil)
    }

    @Test("limits hold for raw files: the preview's size and the sensor's are checked before decoding")
    func limits() throws {
        let small = DecodingOptions(limits: ImageLimits(maxPixels: 1000))
        #expect(throws: ImageError.tooManyPixels(width: 192, height: 128, limit: 1000)) {
            try ImageDecoder.decode(try Self.data("preview.dng"), options: small)
        }
        #expect(throws: ImageError.tooManyPixels(width: 96, height: 64, limit: 1000)) {
            try ImageDecoder.decode(try Self.data("no-preview.dng"), options: small)
        }
    }

    @Test("a file that crashes LibRaw (Debian's 0.20.2 reads a null pointer in its DNG parser) is an error; the process goes on")
    func crashIsolated() throws {
        let data = try Self.data("crashes-libraw-0.20.dng")  // preview.dng with four bytes of its IFDs changed
        #expect(ImageDecoder.format(of: data) == .cameraRaw, "its DNGVersion tag is intact")
        do {
            let image = try ImageDecoder.decode(data)
            Issue.record("decoded \(image.width)×\(image.height): this LibRaw reads the file; the fixture no longer tests a crash")
        } catch let ImageError.corrupt(format, reason) {
            #expect(format == .cameraRaw)
            #expect(reason.contains("LibRaw crashed reading it"), "\(reason)")
        }
        #expect(throws: ImageError.self) { try ImageDecoder.size(of: data) }
        #expect(try ImageDecoder.decode(try Self.data("preview.dng")).width == 128, "and the next file decodes")
    }

    @Test("the worker executable and a fork of this process give the same answers, crashes included")
    func workerAndFork() throws {
        let worker = try #require(RawDecoder.worker, "glimpse-raw-worker is built beside the test executable")
        #expect(worker.hasSuffix("/glimpse-raw-worker"))
        for name in ["preview.dng", "small-preview.dng", "no-preview.dng"] {
            let data = try Self.data(name)
            let (spawned, forked) = try data.withUnsafeBytes { bytes in
                (try RawDecoder.decode(bytes, options: DecodingOptions(), worker: worker),
                 try RawDecoder.decode(bytes, options: DecodingOptions(), worker: nil))
            }
            let same = spawned.width == forked.width && spawned.height == forked.height && spawned.pixels == forked.pixels
            #expect(same, "\(name)")
        }
        let crashing = try Self.data("crashes-libraw-0.20.dng")
        for child in [worker, nil] {
            #expect(throws: ImageError.self, "\(child ?? "fork")") {
                try crashing.withUnsafeBytes { try RawDecoder.decode($0, options: DecodingOptions(), worker: child) }
            }
        }
    }

    @Test("a child that runs past its time is killed, and one that exits without answering is an error")
    func stuckOrSilentChild() throws {
        // Stand-ins for the worker that need no file written (an executable being written cannot be started
        // while another thread's child holds it open): sleep adds up the request's numbers, over a year;
        // false exits 1 at once.
        let data = try Self.data("preview.dng")
        let start = ContinuousClock.now
        do {
            _ = try data.withUnsafeBytes { try RawDecoder.decode($0, options: DecodingOptions(), worker: "/bin/sleep", timeLimit: 1) }
            Issue.record("a child that never answers gave an image")
        } catch let ImageError.corrupt(_, reason) {
            #expect(reason.contains("took more than 1 s"), "\(reason)")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        do {
            _ = try data.withUnsafeBytes { try RawDecoder.decode($0, options: DecodingOptions(), worker: "/bin/false") }
            Issue.record("a child that exits without answering gave an image")
        } catch let ImageError.corrupt(_, reason) {
            #expect(reason.contains("ended without an answer"), "\(reason)")
        }
    }

    @Test("truncated and damaged raw files give a typed error, never a crash")
    func damaged() throws {
        for name in ["preview.dng", "small-preview.dng", "no-preview.dng"] {
            let data = try Self.data(name)
            for keep in [20, 200, data.count / 2, data.count - 100] {
                do {
                    let image = try ImageDecoder.decode(data.prefix(keep))
                    #expect(image.pixels.count == image.width * image.height * 3, "\(name) cut at \(keep)")
                } catch is ImageError {}
            }
        }
        var random = FuzzTests.SplitMix(state: 20_261_204)
        let files = try ["preview.dng", "small-preview.dng", "no-preview.dng"].map { [UInt8](try Self.data($0)) }
        var failed = 0
        // GLIMPSE_RAW_FUZZ_ITERATIONS runs a longer search by hand; the suite runs 600.
        let iterations = ProcessInfo.processInfo.environment["GLIMPSE_RAW_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 600
        for iteration in 0..<iterations {
            var bytes = files[iteration % files.count]
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                // The fixtures' IFDs (tables and values) are their last few hundred bytes; before them lie the pixels.
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[Bool.random(using: &random) ? bytes.count - 1 - index % 600 : index] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let image = try ImageDecoder.decode(Data(bytes), options: DecodingOptions(limits: ImageLimits(maxPixels: 1_000_000)))
                #expect(image.pixels.count == image.width * image.height * 3)
            } catch is ImageError {
                failed += 1
            }
        }
        #expect(failed > 0)
    }
}
