// libjpeg(-turbo) for GlimpseImage.
//
// libjpeg reports fatal errors by calling `error_exit`, which must not return; Swift cannot catch a
// longjmp, so every libjpeg call made by GlimpseImage goes through one of the small wrappers below.
// Each wrapper sets its own jump target and returns -1 on error, with the message in `message`.
#ifndef GLIMPSE_CJPEG_SHIM_H
#define GLIMPSE_CJPEG_SHIM_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/// Error state shared by the decoder and the encoder.
typedef struct glimpse_jpeg_errors {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int truncated;          // a "premature end of file" warning was seen
    int warnings;           // number of warnings (corrupt data that libjpeg skipped)
    int max_scans;          // progressive scans allowed before giving up (0 = no limit)
    char message[JMSG_LENGTH_MAX];
} glimpse_jpeg_errors;

static void glimpse_jpeg_error_exit(j_common_ptr info) {
    glimpse_jpeg_errors *errors = (glimpse_jpeg_errors *)info->err;
    (*info->err->format_message)(info, errors->message);
    longjmp(errors->jump, 1);
}

static void glimpse_jpeg_emit_message(j_common_ptr info, int level) {
    glimpse_jpeg_errors *errors = (glimpse_jpeg_errors *)info->err;
    if (level >= 0) return; // trace messages
    if (info->err->msg_code == JWRN_JPEG_EOF) errors->truncated = 1;
    if (errors->warnings == 0) (*info->err->format_message)(info, errors->message);
    errors->warnings += 1;
}

static void glimpse_jpeg_output_message(j_common_ptr info) { (void)info; }

static void glimpse_jpeg_install_errors(glimpse_jpeg_errors *errors) {
    jpeg_std_error(&errors->manager);
    errors->manager.error_exit = glimpse_jpeg_error_exit;
    errors->manager.emit_message = glimpse_jpeg_emit_message;
    errors->manager.output_message = glimpse_jpeg_output_message;
}

// MARK: - Decoding

typedef struct glimpse_jpeg_decoder {
    struct jpeg_decompress_struct info; // first member: libjpeg's callbacks receive this pointer
    glimpse_jpeg_errors errors;
    struct jpeg_progress_mgr progress;
    int created;
} glimpse_jpeg_decoder;

static void glimpse_jpeg_progress(j_common_ptr info) {
    glimpse_jpeg_decoder *decoder = (glimpse_jpeg_decoder *)info;
    if (decoder->errors.max_scans > 0 && decoder->info.input_scan_number > decoder->errors.max_scans) {
        snprintf(decoder->errors.message, JMSG_LENGTH_MAX, "more than %d progressive scans",
                 decoder->errors.max_scans);
        longjmp(decoder->errors.jump, 1);
    }
}

/// A new decoder, or NULL when out of memory. Release it with `glimpse_jpeg_decoder_destroy`.
static glimpse_jpeg_decoder *glimpse_jpeg_decoder_create(int max_scans, long max_memory) {
    glimpse_jpeg_decoder *decoder = (glimpse_jpeg_decoder *)calloc(1, sizeof(glimpse_jpeg_decoder));
    if (!decoder) return NULL;
    glimpse_jpeg_install_errors(&decoder->errors);
    decoder->errors.max_scans = max_scans;
    decoder->info.err = &decoder->errors.manager;
    if (setjmp(decoder->errors.jump)) { free(decoder); return NULL; }
    jpeg_create_decompress(&decoder->info);
    decoder->created = 1;
    decoder->info.mem->max_memory_to_use = max_memory;
    decoder->progress.progress_monitor = glimpse_jpeg_progress;
    decoder->info.progress = &decoder->progress;
    return decoder;
}

static void glimpse_jpeg_decoder_destroy(glimpse_jpeg_decoder *decoder) {
    if (!decoder) return;
    if (decoder->created) jpeg_destroy_decompress(&decoder->info);
    free(decoder);
}

/// Reads the header of `size` bytes at `data` (which must outlive the decoder). 0 or -1.
static int glimpse_jpeg_read_header(glimpse_jpeg_decoder *decoder, const unsigned char *data, unsigned long size) {
    if (setjmp(decoder->errors.jump)) return -1;
    jpeg_mem_src(&decoder->info, data, size);
    jpeg_read_header(&decoder->info, TRUE);
    return 0;
}

/// Starts decompression to `color_space` (JCS_RGB, JCS_GRAYSCALE or JCS_CMYK), scaled by 1/`scale_denom`
/// (1, 2, 4 or 8) with the accurate integer IDCT and fancy upsampling, as Pillow does. 0 or -1.
static int glimpse_jpeg_start(glimpse_jpeg_decoder *decoder, J_COLOR_SPACE color_space, unsigned int scale_denom) {
    if (setjmp(decoder->errors.jump)) return -1;
    decoder->info.out_color_space = color_space;
    decoder->info.scale_num = 1;
    decoder->info.scale_denom = scale_denom;
    decoder->info.dct_method = JDCT_ISLOW;
    decoder->info.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&decoder->info);
    return 0;
}

/// Decodes every row into `buffer` (`output_height` rows of `stride` bytes). 0 or -1.
static int glimpse_jpeg_read_rows(glimpse_jpeg_decoder *decoder, unsigned char *buffer, size_t stride) {
    if (setjmp(decoder->errors.jump)) return -1;
    while (decoder->info.output_scanline < decoder->info.output_height) {
        JSAMPROW row = buffer + (size_t)decoder->info.output_scanline * stride;
        if (jpeg_read_scanlines(&decoder->info, &row, 1) != 1) break;
    }
    jpeg_finish_decompress(&decoder->info);
    return 0;
}

// MARK: - Encoding

/// Encodes `height` rows of RGB (`components` = 3) or gray (1) pixels as a baseline JPEG with 4:2:0
/// chroma subsampling. On success returns 0 and a `malloc`ed buffer in `*output` (free it with `free`).
static int glimpse_jpeg_encode(const unsigned char *pixels, unsigned int width, unsigned int height,
                               int components, int quality, unsigned char **output, unsigned long *output_size,
                               char *message, size_t message_size) {
    struct jpeg_compress_struct info;
    glimpse_jpeg_errors errors;
    memset(&errors, 0, sizeof(errors));
    glimpse_jpeg_install_errors(&errors);
    info.err = &errors.manager;
    *output = NULL;
    *output_size = 0;
    if (setjmp(errors.jump)) {
        snprintf(message, message_size, "%s", errors.message);
        jpeg_destroy_compress(&info);
        if (*output) { free(*output); *output = NULL; }
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, output, output_size);
    info.image_width = width;
    info.image_height = height;
    info.input_components = components;
    info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * width * components);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return 0;
}

#endif
