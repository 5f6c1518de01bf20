import CHEIF

/// HEIC/HEIF and AVIF decoding through libheif (HEVC via libde265, AV1 via dav1d or libaom, as Debian
/// builds it): the primary image, 8-bit RGB(A). HEIC matches pillow-heif within one level; AVIF
/// differs from Pillow's libavif decoding by about 2 levels on average (chroma upsampling).
///
/// libheif applies the container's rotation and mirroring (`irot`, `imir`), which is what phones
/// record for upright display; the EXIF orientation inside HEIF files is therefore not applied again
/// (as in pillow-heif). Higher bit depths are reduced to 8 bits by libheif.
enum HEIFDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodingOptions,
                       format: ImageFormat = .heif) throws -> RGBImage {
        _ = initialized
        guard let context = heif_context_alloc() else { throw ImageError.decoderUnavailable(format: format) }
        defer { heif_context_free(context) }
        try check(format, heif_context_read_from_memory_without_copy(context, bytes.baseAddress, bytes.count, nil))

        var handle: OpaquePointer?
        try check(format, heif_context_get_primary_image_handle(context, &handle))
        guard let handle else { throw ImageError.corrupt(format: format, reason: "no primary image") }
        defer { heif_image_handle_release(handle) }
        let width = Int(heif_image_handle_get_width(handle))
        let height = Int(heif_image_handle_get_height(handle))
        try options.limits.check(width: width, height: height)

        let hasAlpha = heif_image_handle_has_alpha_channel(handle) != 0
        var image: OpaquePointer?
        try check(format, heif_decode_image(handle, &image, heif_colorspace_RGB,
                                    hasAlpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, nil))
        guard let image else { throw ImageError.corrupt(format: format, reason: "no decoded image") }
        defer { heif_image_release(image) }

        var stride: Int32 = 0
        guard let plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride) else {
            throw ImageError.corrupt(format: format, reason: "no interleaved plane")
        }
        let outWidth = Int(heif_image_get_width(image, heif_channel_interleaved))
        let outHeight = Int(heif_image_get_height(image, heif_channel_interleaved))
        let channels = hasAlpha ? 4 : 3
        guard outWidth > 0, outHeight > 0, Int(stride) >= outWidth * channels else {
            throw ImageError.corrupt(format: format, reason: "unexpected plane layout")
        }
        try options.limits.check(width: outWidth, height: outHeight)
        var packed = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
        packed.withUnsafeMutableBufferPointer { out in
            for row in 0..<outHeight {
                (out.baseAddress! + row * outWidth * channels)
                    .update(from: plane + row * Int(stride), count: outWidth * channels)
            }
        }
        if !hasAlpha { return RGBImage(unchecked: outWidth, outHeight, packed, nil) }
        return PNGDecoder.splitAlpha(packed, width: outWidth, height: outHeight)
    }

    /// libheif's one-time set-up (decoder plugins), done once before the first decode, thread-safely.
    static let initialized: Bool = {
        _ = heif_init(nil)
        return true
    }()

    private static func check(_ format: ImageFormat, _ error: heif_error) throws {
        guard error.code != heif_error_Ok else { return }
        let message = error.message.map { String(cString: $0) } ?? "libheif error \(error.code.rawValue)"
        if error.code == heif_error_Invalid_input, error.subcode == heif_suberror_End_of_data {
            throw ImageError.truncated(format: format)
        }
        if error.code == heif_error_Memory_allocation_error {
            throw ImageError.decoderUnavailable(format: format)
        }
        throw ImageError.corrupt(format: format, reason: message)
    }
}
