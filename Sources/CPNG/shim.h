// libpng for GlimpseImage.
//
// libpng reports errors with longjmp, which Swift cannot catch, so every libpng call made by
// GlimpseImage goes through one of the wrappers below. Each sets its own jump target and returns -1
// on error, with the message in `message`. Input comes from memory; reading past its end is an error.
#ifndef GLIMPSE_CPNG_SHIM_H
#define GLIMPSE_CPNG_SHIM_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct glimpse_png_decoder {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t offset;
    png_bytep *rows;
    png_uint_32 width, height;
    int bit_depth, color_type, interlaced, channels;
    char message[256];
} glimpse_png_decoder;

static void glimpse_png_error(png_structp png, png_const_charp text) {
    glimpse_png_decoder *decoder = (glimpse_png_decoder *)png_get_error_ptr(png);
    snprintf(decoder->message, sizeof(decoder->message), "%s", text);
    png_longjmp(png, 1);
}

static void glimpse_png_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void glimpse_png_read_data(png_structp png, png_bytep out, size_t count) {
    glimpse_png_decoder *decoder = (glimpse_png_decoder *)png_get_io_ptr(png);
    if (count > decoder->size - decoder->offset) png_error(png, "the file is truncated");
    memcpy(out, decoder->data + decoder->offset, count);
    decoder->offset += count;
}

/// A decoder reading `size` bytes at `data` (which must outlive it), or NULL when out of memory.
/// `max_dimension` bounds width and height; `max_chunk` bounds the memory of one ancillary chunk.
static glimpse_png_decoder *glimpse_png_decoder_create(const unsigned char *data, size_t size,
                                                       png_uint_32 max_dimension, size_t max_chunk) {
    glimpse_png_decoder *decoder = (glimpse_png_decoder *)calloc(1, sizeof(glimpse_png_decoder));
    if (!decoder) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, glimpse_png_error, glimpse_png_warning);
    if (!decoder->png) { free(decoder); return NULL; }
    decoder->info = png_create_info_struct(decoder->png);
    if (!decoder->info) { png_destroy_read_struct(&decoder->png, NULL, NULL); free(decoder); return NULL; }
    png_set_read_fn(decoder->png, decoder, glimpse_png_read_data);
    png_set_user_limits(decoder->png, max_dimension, max_dimension);
    png_set_chunk_malloc_max(decoder->png, max_chunk);
    return decoder;
}

static void glimpse_png_decoder_destroy(glimpse_png_decoder *decoder) {
    if (!decoder) return;
    png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
    free(decoder->rows);
    free(decoder);
}

/// Reads the chunks up to the image data and fills `width`, `height`, `bit_depth`, `color_type`,
/// `interlaced`. 0 or -1.
static int glimpse_png_read_header(glimpse_png_decoder *decoder) {
    if (setjmp(png_jmpbuf(decoder->png))) return -1;
    png_read_info(decoder->png, decoder->info);
    int interlace = 0;
    png_get_IHDR(decoder->png, decoder->info, &decoder->width, &decoder->height, &decoder->bit_depth,
                 &decoder->color_type, &interlace, NULL, NULL);
    decoder->interlaced = interlace != PNG_INTERLACE_NONE;
    return 0;
}

/// Asks for 8-bit RGB or RGBA output: palettes and low bit depths expanded, tRNS turned into alpha,
/// 16-bit samples reduced to their high byte (as Pillow does), gray replicated, no gamma correction.
/// Sets `channels` (3 or 4). 0 or -1.
static int glimpse_png_configure(glimpse_png_decoder *decoder) {
    if (setjmp(png_jmpbuf(decoder->png))) return -1;
    png_set_expand(decoder->png);
    png_set_strip_16(decoder->png);
    png_set_gray_to_rgb(decoder->png);
    png_set_interlace_handling(decoder->png);
    png_read_update_info(decoder->png, decoder->info);
    decoder->channels = png_get_channels(decoder->png, decoder->info);
    return 0;
}

/// Decodes all rows into `buffer` (`height` rows of `stride` bytes). 0 or -1.
static int glimpse_png_read_image(glimpse_png_decoder *decoder, unsigned char *buffer, size_t stride) {
    if (setjmp(png_jmpbuf(decoder->png))) return -1;
    decoder->rows = (png_bytep *)malloc(sizeof(png_bytep) * (decoder->height ? decoder->height : 1));
    if (!decoder->rows) png_error(decoder->png, "out of memory");
    for (png_uint_32 y = 0; y < decoder->height; y++) decoder->rows[y] = buffer + (size_t)y * stride;
    png_read_image(decoder->png, decoder->rows);
    return 0;
}

#endif
