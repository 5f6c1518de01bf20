import CJPEG
import Foundation

/// JPEG encoding, for thumbnails shown in the user interface.
public enum JPEGEncoder {
    /// Encodes an image as a baseline JPEG (4:2:0). Transparent images are flattened over white first.
    /// - Parameter quality: 1–100 (libjpeg's scale), default 85.
    public static func encode(_ image: RGBImage, quality: Int = 85) throws -> Data {
        guard (1...100).contains(quality) else { throw ImageError.invalidArgument("JPEG quality \(quality)") }
        let opaque = image.flattened()
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = opaque.pixels.withUnsafeBufferPointer { pixels in
            glimpse_jpeg_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), 3, Int32(quality),
                                &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            let reason = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError.encodingFailed(reason: reason.isEmpty ? "libjpeg failed" : reason)
        }
        defer { free(output) }
        return Data(bytes: output, count: Int(size))
    }
}

extension RGBImage {
    /// The image scaled down (never up) so that its longest side is at most `longestSide`, keeping the
    /// aspect ratio (each side at least 1 pixel), with Pillow's bicubic filter.
    public func thumbnail(longestSide: Int = 320) throws -> RGBImage {
        guard longestSide > 0 else { throw ImageError.invalidArgument("thumbnail side \(longestSide)") }
        let longest = max(width, height)
        guard longest > longestSide else { return self }
        let scale = Double(longestSide) / Double(longest)
        let size = PixelSize(width: max(1, Int((Double(width) * scale).rounded())),
                             height: max(1, Int((Double(height) * scale).rounded())))
        return try resized(to: size, filter: .bicubic)
    }

    /// A JPEG thumbnail: longest side at most `longestSide` (default 320), transparency over white.
    public func thumbnailJPEG(longestSide: Int = 320, quality: Int = 85) throws -> Data {
        try JPEGEncoder.encode(thumbnail(longestSide: longestSide), quality: quality)
    }
}
