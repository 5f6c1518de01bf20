// LibRaw (thread-safe build) for GlimpseImage: camera raw files read from memory. One libraw_data_t per
// call, so files decode side by side. Helpers keep LibRaw's large structs out of Swift.
#ifndef GLIMPSE_CRAW_SHIM_H
#define GLIMPSE_CRAW_SHIM_H

#include <stddef.h>
#include <libraw/libraw.h>

/// What LibRaw read from a raw file's headers.
typedef struct glimpse_raw_facts {
    int width, height;              // the visible sensor area, unrotated
    int raw_width, raw_height;      // the stored sensor area
    int flip;                       // dcraw's flip code: 0, 3 (180°), 5 (90° counter-clockwise), 6 (90° clockwise), …
    int filters;                    // non-zero for a colour-filter mosaic (Bayer, X-Trans)
} glimpse_raw_facts;

/// Opens `size` bytes at `data` (which must outlive `raw`) and reads the headers into `facts`.
/// LIBRAW_SUCCESS or a LibRaw error code (LIBRAW_FILE_UNSUPPORTED for a file that holds no raw image).
static int glimpse_raw_open(libraw_data_t *raw, const void *data, size_t size, glimpse_raw_facts *facts) {
    int status = libraw_open_buffer(raw, (void *)data, size);
    if (status != LIBRAW_SUCCESS) return status;
    facts->width = raw->sizes.width;
    facts->height = raw->sizes.height;
    facts->raw_width = raw->sizes.raw_width;
    facts->raw_height = raw->sizes.raw_height;
    facts->flip = raw->sizes.flip;
    facts->filters = raw->idata.filters != 0;
    return LIBRAW_SUCCESS;
}

/// Reads the largest embedded preview (its format is known only once read); when it is a JPEG, `*jpeg` and `*length` point into `raw` (valid until it is closed).
static int glimpse_raw_preview(libraw_data_t *raw, const unsigned char **jpeg, size_t *length) {
    int status = libraw_unpack_thumb(raw);
    if (status != LIBRAW_SUCCESS) return status;
    if (raw->thumbnail.tformat != LIBRAW_THUMBNAIL_JPEG || !raw->thumbnail.thumb) return LIBRAW_NO_THUMBNAIL;
    *jpeg = (const unsigned char *)raw->thumbnail.thumb;
    *length = raw->thumbnail.tlength;
    return LIBRAW_SUCCESS;
}

/// Develops the raw image at half size (each 2×2 block of the mosaic becomes one pixel: no interpolation)
/// with the camera's white balance into 8-bit sRGB, rotated as the file says. The image is freed with
/// libraw_dcraw_clear_mem; NULL with `*status` set on failure.
static libraw_processed_image_t *glimpse_raw_develop(libraw_data_t *raw, int *status) {
    raw->params.half_size = 1;
    raw->params.use_camera_wb = 1;
    raw->params.output_bps = 8;
    *status = libraw_unpack(raw);
    if (*status != LIBRAW_SUCCESS) return NULL;
    *status = libraw_dcraw_process(raw);
    if (*status != LIBRAW_SUCCESS) return NULL;
    return libraw_dcraw_make_mem_image(raw, status);
}

#endif
