import Foundation
import Testing
@testable import GlimpseImage

/// Broken, hostile and extreme files: each gives a typed error or a correct image.
@Suite("Bad input")
struct BadInputTests {
    /// Decodes and classifies: nil for an image, else the error.
    static func outcome(_ data: Data, options: DecodingOptions = DecodingOptions()) -> ImageError? {
        do {
            _ = try ImageDecoder.decode(data, options: options)
            return nil
        } catch let error as ImageError {
            return error
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    @Test("a zero-byte file is `empty`")
    func empty() throws {
        #expect(Self.outcome(Data()) == .empty)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-empty-\(UUID()).jpg")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ImageError.empty) { try ImageDecoder.decode(contentsOf: url) }
    }

    @Test("a missing file and a directory are `unreadable`")
    func unreadable() {
        #expect {
            try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: "/nonexistent/picture.jpg"))
        } throws: { error in
            if case ImageError.unreadable = error { return true }
            return false
        }
        #expect {
            try ImageDecoder.decode(contentsOf: FileManager.default.temporaryDirectory)
        } throws: { error in
            if case ImageError.unreadable = error { return true }
            return false
        }
    }

    @Test("a text file named .jpg is an unsupported format")
    func textFile() throws {
        #expect(Self.outcome(try Fixtures.data("bad/text.jpg")) == .unsupportedFormat(detected: nil))
    }

    @Test("bitmaps: a header cut short is truncated; a huge or zero size, an unknown layout or too little pixel data is refused")
    func badBitmaps() throws {
        #expect(Self.outcome(Data("BM\u{1}\u{0}\u{1}\u{0}".utf8)) == .truncated(format: .bmp))
        let valid = try Fixtures.data("images/rgb24_37x23.bmp")
        func patched(_ offset: Int, _ value: UInt32) -> Data {
            var data = valid
            withUnsafeBytes(of: value.littleEndian) { data.replaceSubrange(offset..<offset + 4, with: $0) }
            return data
        }
        guard case .tooManyPixels? = Self.outcome(patched(18, 20_000_000)) else { Issue.record("huge width accepted"); return }
        guard case .tooManyPixels? = Self.outcome(patched(22, 0)) else { Issue.record("zero height accepted"); return }
        guard case .corrupt? = Self.outcome(patched(14, 77)) else { Issue.record("unknown header size accepted"); return }
        guard case .corrupt? = Self.outcome(patched(30, 9)) else { Issue.record("unknown compression accepted"); return }
        #expect(Self.outcome(valid.prefix(valid.count - 1)) == .truncated(format: .bmp))
        #expect(Self.outcome(patched(10, UInt32(valid.count))) == .truncated(format: .bmp))
        let rle = try Fixtures.data("images/rle8_12x6.bmp")
        #expect(Self.outcome(rle.prefix(rle.count - 6)) == .truncated(format: .bmp))
    }

    @Test("huge declared sizes are refused from the header", arguments: ["bad/huge_dimensions.png", "bad/huge_dimensions.jpg"])
    func hugeDeclaredSize(path: String) throws {
        let error = Self.outcome(try Fixtures.data(path))
        guard case .tooManyPixels? = error else {
            Issue.record("expected tooManyPixels, got \(String(describing: error))")
            return
        }
    }

    @Test("the pixel and file-size limits are configurable")
    func limits() throws {
        let data = try Fixtures.data("images/photo_400x267.jpg")
        let small = DecodingOptions(limits: ImageLimits(maxPixels: 400 * 266))
        #expect(Self.outcome(data, options: small) == .tooManyPixels(width: 400, height: 267, limit: 400 * 266))
        let tiny = DecodingOptions(limits: ImageLimits(maxFileBytes: 1000))
        #expect(Self.outcome(data, options: tiny) == .fileTooLarge(bytes: data.count, limit: 1000))
        #expect(throws: ImageError.fileTooLarge(bytes: data.count, limit: 1000)) {
            try ImageDecoder.decode(contentsOf: Fixtures.url("images/photo_400x267.jpg"), options: tiny)
        }
    }

    @Test("the limits' messages give large counts in megapixels or digit groups, and the setting that lets the file through")
    func limitMessages() {
        let bomb = ImageError.tooManyPixels(width: 100_000, height: 100_000, limit: 100_000_000).errorDescription ?? ""
        #expect(bomb.contains("100000×100000 pixels (10,000 megapixels), more than the limit of 100 megapixels"), "\(bomb)")
        #expect(bomb.contains("GLIMPSE_MAX_MEGAPIXELS=10000 "), "\(bomb)")
        let photo = ImageError.tooManyPixels(width: 4_000, height: 3_150, limit: 12_000_000).errorDescription ?? ""
        #expect(photo.contains("(12.6 megapixels), more than the limit of 12 megapixels") && photo.contains("=13 "), "\(photo)")
        let small = ImageError.tooManyPixels(width: 45, height: 37, limit: 999).errorDescription ?? ""
        #expect(small.contains("45×37 pixels (1,665 pixels), more than the limit of 999 pixels"), "\(small)")
        let file = ImageError.fileTooLarge(bytes: 123_456_789, limit: 100_000_000).errorDescription ?? ""
        #expect(file.contains("has 123,456,789 bytes, more than the limit of 100,000,000") && file.contains("=118 (MiB)"), "\(file)")
    }

    @Test("the limits can be set from the environment, and the errors say how")
    func limitsFromEnvironment() throws {
        let raised = ImageLimits(environment: [ImageLimits.megapixelsVariable: "250", ImageLimits.fileMiBVariable: "1024.5"])
        #expect(raised == ImageLimits(maxPixels: 250_000_000, maxFileBytes: 1_074_266_112))
        #expect(ImageLimits(environment: [ImageLimits.megapixelsVariable: "0.1067"]).maxPixels == 106_700)
        for ignored in ["", "abc", "0", "-5", "nan", "inf"] {
            #expect(ImageLimits(environment: [ImageLimits.megapixelsVariable: ignored, ImageLimits.fileMiBVariable: ignored]) == ImageLimits(),
                    "\(ignored)")
        }
        let data = try Fixtures.data("images/photo_400x267.jpg")
        let small = DecodingOptions(limits: ImageLimits(environment: [ImageLimits.megapixelsVariable: "0.1"]))
        let error = try #require(Self.outcome(data, options: small))
        #expect(error == .tooManyPixels(width: 400, height: 267, limit: 100_000))
        #expect(error.localizedDescription.contains("GLIMPSE_MAX_MEGAPIXELS=1 "), "\(error.localizedDescription)")
        let large = ImageError.fileTooLarge(bytes: 300 << 20 + 1, limit: 256 << 20)
        #expect(large.localizedDescription.contains("GLIMPSE_MAX_FILE_MB=301 "), "\(large.localizedDescription)")
        #expect(ImageError.tooManyPixels(width: 0, height: 5, limit: 9).localizedDescription.contains("damaged"))
    }

    @Test("a corrupt Huffman table is `corrupt`")
    func corruptHuffman() throws {
        let error = Self.outcome(try Fixtures.data("bad/corrupt_huffman.jpg"))
        guard case .corrupt(.jpeg, let reason)? = error else {
            Issue.record("expected corrupt JPEG, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("Huffman"))
    }

    @Test("noise inside the scan data gives an image or an error, never a crash")
    func noiseInScan() throws {
        _ = Self.outcome(try Fixtures.data("bad/noise_in_scan.jpg"))
    }

    @Test("every truncation of every format gives a typed error", arguments: [
        "photo_400x267.jpg", "progressive_333x250.jpg", "cmyk_180x140.jpg", "portrait_300x451.png",
        "interlaced_150x100.png", "palette_130x95.png", "lossy_200x140.webp", "lossless_alpha_150x150.webp",
        "interlaced_transparent_120x90.gif", "photo_160x120.heic", "rgb_lzw_90x60.tif", "jpeg_80x64.tif",
        "palette8_45x30.bmp", "bgra_v5_17x11.bmp", "rle8_12x6.bmp", "rle4_12x4.bmp",
    ])
    func truncated(name: String) throws {
        let data = try Fixtures.data("images/\(name)")
        // Every length up to 64 bytes, then 40 evenly spaced cuts.
        let cuts = Array(1..<min(64, data.count)) + (1..<40).map { data.count * $0 / 40 }
        for length in cuts where length < data.count {
            let error = Self.outcome(data.prefix(length))
            #expect(error != nil, "\(name) cut at \(length) decoded")
        }
    }

    @Test("1×1 images decode in every format", arguments: ["one_1x1.png", "one_1x1.jpg", "one_1x1.webp"])
    func onePixel(name: String) throws {
        let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/\(name)"))
        #expect(image.width == 1 && image.height == 1)
        let (r, g, b) = image.rgb(x: 0, y: 0)
        #expect(abs(Int(r) - 200) <= 2 && abs(Int(g) - 100) <= 2 && abs(Int(b) - 50) <= 2)
        for preprocessing in [ImagePreprocessing.clip, .blip, .sam] {
            let output = try ImagePreprocessor(preprocessing)(image)
            #expect(output.pixelValues.shape[0] == 1)
        }
    }

    @Test("a 1×40,000 image decodes and preprocesses without a huge intermediate")
    func veryTall() throws {
        let image = try ImageDecoder.decode(contentsOf: Fixtures.url("images/tall_1x40000.png"))
        #expect(image.width == 1 && image.height == 40_000)
        // CLIP: the resized image would be 224 × 8,960,000; only the 224² crop is computed.
        let clip = try ImagePreprocessor(.clip)(image)
        #expect(clip.pixelValues.shape == [1, 3, 224, 224])
        #expect(clip.resizedSizes == [PixelSize(width: 224, height: 8_960_000)])
        let sam = try ImagePreprocessor(.sam)(image)
        #expect(sam.resizedSizes == [PixelSize(width: 1, height: 1024)])
        let blip = try ImagePreprocessor(.blip)(image)
        #expect(blip.pixelValues.shape == [1, 3, 384, 384])
    }

    @Test("errors explain what to do")
    func messages() {
        let errors: [ImageError] = [
            .empty, .unsupportedFormat(detected: nil), .tooManyPixels(width: 1, height: 2, limit: 3),
            .truncated(format: .png), .corrupt(format: .jpeg, reason: "x"),
        ]
        for error in errors { #expect((error.errorDescription ?? "").count > 20) }
    }
}
