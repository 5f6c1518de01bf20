// giflib for GlimpseImage: reading the first image of a GIF from memory.
// giflib reports errors by return value, so the wrappers only add a memory reader and the record walk.
#ifndef GLIMPSE_CGIF_SHIM_H
#define GLIMPSE_CGIF_SHIM_H

#include <stddef.h>
#include <string.h>
#include <gif_lib.h>

typedef struct glimpse_gif_source {
    const unsigned char *data;
    size_t size;
    size_t offset;
} glimpse_gif_source;

static int glimpse_gif_read(GifFileType *gif, GifByteType *out, int count) {
    glimpse_gif_source *source = (glimpse_gif_source *)gif->UserData;
    if (count <= 0) return 0;
    size_t available = source->size - source->offset;
    size_t n = (size_t)count < available ? (size_t)count : available;
    memcpy(out, source->data + source->offset, n);
    source->offset += n;
    return (int)n;
}

/// Opens a GIF reading from `source` (which must outlive the handle); NULL on error (`*error` set).
static GifFileType *glimpse_gif_open(glimpse_gif_source *source, int *error) {
    return DGifOpen(source, glimpse_gif_read, error);
}

/// Walks the records up to the first image descriptor and reads it into `gif->Image`. The transparent
/// colour index of the graphics control extension before it goes to `*transparent` (-1 when none).
/// Returns GIF_OK, or GIF_ERROR (also when the file has no image).
static int glimpse_gif_first_image(GifFileType *gif, int *transparent) {
    *transparent = -1;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR) return GIF_ERROR;
        if (type == IMAGE_DESC_RECORD_TYPE) return DGifGetImageDesc(gif);
        if (type == TERMINATE_RECORD_TYPE) return GIF_ERROR;
        if (type == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType *extension = NULL;
            if (DGifGetExtension(gif, &code, &extension) == GIF_ERROR) return GIF_ERROR;
            if (code == GRAPHICS_EXT_FUNC_CODE && extension && extension[0] >= 4) {
                GraphicsControlBlock block;
                if (DGifExtensionToGCB(extension[0], extension + 1, &block) == GIF_OK) *transparent = block.TransparentColor;
            }
            while (extension) {
                if (DGifGetExtensionNext(gif, &extension) == GIF_ERROR) return GIF_ERROR;
            }
        }
    }
}

static int glimpse_gif_close(GifFileType *gif) {
    int error = 0;
    return DGifCloseFile(gif, &error);
}

#endif
