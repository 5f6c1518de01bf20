// libtiff for GlimpseImage: reading the first image of a TIFF from memory through libtiff's RGBA
// interface (every photometric interpretation, compression and bit depth libtiff supports).
// Errors go to a per-file handler (no global state) and into `message`; libtiff does not longjmp.
#ifndef GLIMPSE_CTIFF_SHIM_H
#define GLIMPSE_CTIFF_SHIM_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

typedef struct glimpse_tiff_source {
    const unsigned char *data;
    uint64_t size;
    uint64_t offset;
    int errors;
    char message[256];
} glimpse_tiff_source;

static tmsize_t glimpse_tiff_read(thandle_t handle, void *buffer, tmsize_t count) {
    glimpse_tiff_source *source = (glimpse_tiff_source *)handle;
    if (count <= 0 || source->offset >= source->size) return 0;
    uint64_t available = source->size - source->offset;
    uint64_t n = (uint64_t)count < available ? (uint64_t)count : available;
    memcpy(buffer, source->data + source->offset, (size_t)n);
    source->offset += n;
    return (tmsize_t)n;
}

static tmsize_t glimpse_tiff_write(thandle_t handle, void *buffer, tmsize_t count) {
    (void)handle; (void)buffer; (void)count;
    return -1;
}

static toff_t glimpse_tiff_seek(thandle_t handle, toff_t offset, int whence) {
    glimpse_tiff_source *source = (glimpse_tiff_source *)handle;
    uint64_t base = whence == SEEK_CUR ? source->offset : whence == SEEK_END ? source->size : 0;
    source->offset = base + offset; // wraps like libtiff's own file seeking; reads past the end return 0
    return source->offset;
}

static int glimpse_tiff_close(thandle_t handle) { (void)handle; return 0; }

static toff_t glimpse_tiff_file_size(thandle_t handle) { return ((glimpse_tiff_source *)handle)->size; }

static int glimpse_tiff_map(thandle_t handle, void **base, toff_t *size) {
    (void)handle; (void)base; (void)size;
    return 0;
}

static void glimpse_tiff_unmap(thandle_t handle, void *base, toff_t size) { (void)handle; (void)base; (void)size; }

static int glimpse_tiff_error(TIFF *tiff, void *user, const char *module, const char *format, va_list arguments) {
    (void)tiff; (void)module;
    glimpse_tiff_source *source = (glimpse_tiff_source *)user;
    if (source->errors == 0) vsnprintf(source->message, sizeof(source->message), format, arguments);
    source->errors += 1;
    return 1;
}

static int glimpse_tiff_warning(TIFF *tiff, void *user, const char *module, const char *format, va_list arguments) {
    (void)tiff; (void)user; (void)module; (void)format; (void)arguments;
    return 1;
}

/// Opens the TIFF in `source` (which must outlive the handle); NULL on error. `max_allocation` bounds
/// any single allocation libtiff makes.
static TIFF *glimpse_tiff_open(glimpse_tiff_source *source, tmsize_t max_allocation) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) return NULL;
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, max_allocation);
    TIFFOpenOptionsSetErrorHandlerExtR(options, glimpse_tiff_error, source);
    TIFFOpenOptionsSetWarningHandlerExtR(options, glimpse_tiff_warning, source);
    TIFF *tiff = TIFFClientOpenExt("memory", "rm", source, glimpse_tiff_read, glimpse_tiff_write, glimpse_tiff_seek,
                                   glimpse_tiff_close, glimpse_tiff_file_size, glimpse_tiff_map, glimpse_tiff_unmap,
                                   options);
    TIFFOpenOptionsFree(options);
    return tiff;
}

/// Width, height and whether the image has an extra (alpha) sample. 0 or -1.
static int glimpse_tiff_info(TIFF *tiff, uint32_t *width, uint32_t *height, int *has_alpha) {
    if (!TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, width) || !TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, height)) return -1;
    uint16_t count = 0;
    uint16_t *types = NULL;
    *has_alpha = TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &count, &types) && count > 0;
    return 0;
}

/// The sample layout: bits per sample, samples per pixel, photometric interpretation, and whether the
/// samples are interleaved in strips (the layout `glimpse_tiff_read_contig` reads).
static void glimpse_tiff_layout(TIFF *tiff, int *bits, int *samples, int *photometric, int *contiguous_strips) {
    uint16_t b = 1, s = 1, p = 0, planar = PLANARCONFIG_CONTIG;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &b);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &s);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
    if (!TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &p)) p = 0xFFFF;
    *bits = b;
    *samples = s;
    *photometric = p;
    *contiguous_strips = planar == PLANARCONFIG_CONTIG && !TIFFIsTiled(tiff);
}

/// Reads the stored samples row by row into `buffer` (`height` rows of `stride` bytes), unconverted.
/// 0 or -1.
static int glimpse_tiff_read_contig(TIFF *tiff, uint32_t height, unsigned char *buffer, size_t stride) {
    if ((size_t)TIFFScanlineSize(tiff) > stride) return -1;
    for (uint32_t row = 0; row < height; row++) {
        if (TIFFReadScanline(tiff, buffer + (size_t)row * stride, row, 0) < 0) return -1;
    }
    return 0;
}

/// Decodes the image into `raster` (`width × height` ABGR-packed words, rows top to bottom as stored,
/// no orientation applied). 0 or -1.
static int glimpse_tiff_read_rgba(TIFF *tiff, uint32_t width, uint32_t height, uint32_t *raster) {
    uint16_t orientation = ORIENTATION_TOPLEFT;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ORIENTATION, &orientation);
    // Asking for the file's own orientation makes libtiff keep the stored row and column order.
    return TIFFReadRGBAImageOriented(tiff, width, height, raster, orientation, 0) ? 0 : -1;
}

#endif
