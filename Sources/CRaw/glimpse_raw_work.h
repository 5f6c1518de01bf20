// What a LibRaw child process does: LibRaw's calls for one request, and the worker program's main.
#ifndef GLIMPSE_RAW_WORK_H
#define GLIMPSE_RAW_WORK_H

#include "glimpse_raw_protocol.h"

/// The size in a JPEG's frame header (SOF), bounds-checked; -1 when there is none.
static int glimpse_raw_jpeg_size(const unsigned char *p, size_t n, int *width, int *height) {
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return -1;
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF) return -1;
        unsigned char marker = p[i + 1];
        if (marker == 0xFF) { i += 1; continue; }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
        if (marker == 0xD9 || marker == 0xDA) return -1; // the image data begins (or ends) before any frame header
        size_t length = ((size_t)p[i + 2] << 8) | p[i + 3];
        if (length < 2) return -1;
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            if (i + 9 > n) return -1;
            *height = (p[i + 5] << 8) | p[i + 6];
            *width = (p[i + 7] << 8) | p[i + 8];
            return *width > 0 && *height > 0 ? 0 : -1;
        }
        i += 2 + length;
    }
    return -1;
}

/// The child's preparations: die quietly on a fault (no core file, none of the parent's crash reporting,
/// no signal left blocked from the thread that started it).
static void glimpse_raw_child_setup(void) {
    int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) signal(fatal[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct rlimit nothing = {0, 0};
    setrlimit(RLIMIT_CORE, &nothing);
}

static void glimpse_raw_work(const glimpse_raw_request *request, const void *data, size_t size,
                             glimpse_raw_answer *answer, unsigned char *output, size_t capacity) {
    glimpse_raw_task task = request->task;
    libraw_data_t *raw = libraw_init(0);
    if (!raw) { answer->status = LIBRAW_UNSUFFICIENT_MEMORY; return; }
    answer->status = libraw_open_buffer(raw, (void *)data, size);
    if (answer->status != LIBRAW_SUCCESS) { libraw_close(raw); return; }
    answer->width = raw->sizes.width;
    answer->height = raw->sizes.height;
    answer->raw_width = raw->sizes.raw_width;
    answer->raw_height = raw->sizes.raw_height;
    answer->flip = raw->sizes.flip;
    if (task == GLIMPSE_RAW_OPEN) { libraw_close(raw); return; }
    // The preview's format is known only once it is read; LibRaw does not always know its size: its header does.
    int width = 0, height = 0;
    int longest = raw->sizes.width > raw->sizes.height ? raw->sizes.width : raw->sizes.height;
    int wanted = request->preview_long_side < longest ? request->preview_long_side : longest;
    if (request->use_preview && libraw_unpack_thumb(raw) == LIBRAW_SUCCESS && raw->thumbnail.tformat == LIBRAW_THUMBNAIL_JPEG
        && raw->thumbnail.thumb
        && glimpse_raw_jpeg_size((const unsigned char *)raw->thumbnail.thumb, raw->thumbnail.tlength, &width, &height) == 0
        && (width > height ? width : height) >= wanted) {
        answer->output = GLIMPSE_RAW_JPEG_PREVIEW;
        answer->output_width = width;
        answer->output_height = height;
        if (task == GLIMPSE_RAW_DECODE && raw->thumbnail.tlength <= capacity) {
            memcpy(output, raw->thumbnail.thumb, raw->thumbnail.tlength);
            answer->length = raw->thumbnail.tlength;
        }
    } else if (task == GLIMPSE_RAW_DECODE && (long long)raw->sizes.raw_width * raw->sizes.raw_height > request->max_pixels) {
        answer->output = GLIMPSE_RAW_TOO_LARGE;
    } else {
        // Half size: each 2×2 block of the mosaic becomes one pixel, no interpolation. The camera's white balance.
        answer->output = GLIMPSE_RAW_DEVELOPED;
        raw->params.half_size = 1;
        raw->params.use_camera_wb = 1;
        raw->params.output_bps = 8;
        if (!request->apply_flip) raw->params.user_flip = 0;
        if (task == GLIMPSE_RAW_SIZE) {
            answer->status = libraw_adjust_sizes_info_only(raw);
            answer->output_width = raw->sizes.iwidth;
            answer->output_height = raw->sizes.iheight;
        } else if ((answer->status = libraw_unpack(raw)) == LIBRAW_SUCCESS
                   && (answer->status = libraw_dcraw_process(raw)) == LIBRAW_SUCCESS) {
            int status = LIBRAW_SUCCESS;
            libraw_processed_image_t *image = libraw_dcraw_make_mem_image(raw, &status);
            answer->status = status;
            if (image) {
                answer->output_width = image->width;
                answer->output_height = image->height;
                answer->output_colors = image->colors;
                answer->output_bits = image->bits;
                if (image->type == LIBRAW_IMAGE_BITMAP && image->data_size <= capacity) {
                    memcpy(output, image->data, image->data_size);
                    answer->length = image->data_size;
                } else if (status == LIBRAW_SUCCESS) {
                    answer->status = LIBRAW_UNSPECIFIED_ERROR;
                }
                libraw_dcraw_clear_mem(image);
            }
        }
    }
    libraw_close(raw);
}

/// The worker's whole program: reads the request from its arguments and the descriptors above, answers.
static int glimpse_raw_worker_main(int argc, char **argv) {
    if (argc != 8) return 2;
    glimpse_raw_request request;
    request.task = (glimpse_raw_task)atoi(argv[1]);
    request.apply_flip = atoi(argv[2]);
    request.use_preview = atoi(argv[3]);
    request.preview_long_side = atoi(argv[4]);
    request.max_pixels = atoll(argv[5]);
    request.seconds = (unsigned)strtoul(argv[6], NULL, 10);
    size_t capacity = (size_t)strtoull(argv[7], NULL, 10);
    // Nothing of the parent's but the two memory files: no database, lock or half-written file stays open here.
    closefrom(GLIMPSE_RAW_WORKER_OUTPUT + 1);
    glimpse_raw_child_setup();
    struct stat facts;
    if (fstat(GLIMPSE_RAW_WORKER_INPUT, &facts) != 0) return 3;
    size_t size = (size_t)facts.st_size;
    void *data = size > 0 ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, GLIMPSE_RAW_WORKER_INPUT, 0) : NULL;
    size_t total = sizeof(glimpse_raw_answer) + capacity;
    void *shared = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, GLIMPSE_RAW_WORKER_OUTPUT, 0);
    if (data == MAP_FAILED || shared == MAP_FAILED) return 4;
    glimpse_raw_answer *answer = (glimpse_raw_answer *)shared;
    glimpse_raw_work(&request, data, size, answer, (unsigned char *)shared + sizeof(*answer), capacity);
    answer->exited_oddly = 0;
    return 0;
}

#endif
