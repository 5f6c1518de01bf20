// LibRaw (thread-safe build) for GlimpseImage: camera raw files read from memory.
//
// LibRaw's parsers have crashed on damaged files (Debian's 0.20.2 dereferences a null pointer on some
// mutated DNGs), and a crash cannot be caught. So every LibRaw call runs in a child process that touches
// only this C code and LibRaw, writes its answer into shared memory and exits; the parent reads the
// answer, or learns which signal ended the child. One call, one child: files decode side by side.
//
// The child is the small `glimpse-raw-worker` executable started with posix_spawn (glimpse_raw_spawn),
// whose cost does not grow with the parent, or where that is not installed a fork of the parent
// (glimpse_raw_run), which copies the parent's page tables: about 0.1 s for a process holding 3 GB.
#ifndef GLIMPSE_CRAW_SHIM_H
#define GLIMPSE_CRAW_SHIM_H

// No feature macros here (such as _GNU_SOURCE): this header becomes a Clang module beside Glibc's, and
// the system headers must read the same in both.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libraw/libraw.h>

/// What one child does.
typedef enum glimpse_raw_task {
    GLIMPSE_RAW_OPEN = 0,   // read the headers
    GLIMPSE_RAW_DECODE = 1, // and copy out the embedded JPEG preview when it is large enough, else develop the sensor data
    GLIMPSE_RAW_SIZE = 2,   // and say the size GLIMPSE_RAW_DECODE would give
} glimpse_raw_task;

/// What GLIMPSE_RAW_DECODE(_SIZE) chose.
typedef enum glimpse_raw_output {
    GLIMPSE_RAW_NOTHING = 0,
    GLIMPSE_RAW_JPEG_PREVIEW = 1, // the camera's JPEG (output_width × output_height in its header, unrotated)
    GLIMPSE_RAW_DEVELOPED = 2,    // 8-bit RGB developed at half size (output_width × output_height, rotated if asked)
    GLIMPSE_RAW_TOO_LARGE = 3,    // the sensor's raw_width × raw_height is over the pixel limit: nothing developed
} glimpse_raw_output;

/// The task's settings.
typedef struct glimpse_raw_request {
    glimpse_raw_task task;
    int apply_flip;          // rotate a developed image as the file says
    int use_preview;         // 0: develop even when the preview is large enough (the preview was damaged)
    int preview_long_side;   // a preview at least this long (or as long as the sensor) is used
    long long max_pixels;    // the largest sensor developed
    unsigned seconds;        // the child's wall-clock limit
} glimpse_raw_request;

/// A child's answer. `status` is LIBRAW_SUCCESS or the LibRaw error of the step that failed; `signal` is
/// the signal that ended the child (0 when it exited); `exited_oddly` is set when it exited without answering;
/// `timed_out` when the parent ended it for taking longer than the request's `seconds`.
typedef struct glimpse_raw_answer {
    int status;
    int signal;
    int exited_oddly;
    int timed_out;
    int width, height;          // the visible sensor area, unrotated
    int raw_width, raw_height;  // the stored sensor area
    int flip;                   // dcraw's flip code: 0, 3 (180°), 5 (90° counter-clockwise), 6 (90° clockwise), …
    glimpse_raw_output output;
    int output_width, output_height, output_colors, output_bits;
    size_t length;              // bytes of output after the answer (the JPEG, or the pixels)
} glimpse_raw_answer;

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

/// Waits for the child, killing it once it has run `seconds`, and notes in `answer` how it ended: the
/// time limit, the signal that ended it, or an exit without an answer (a failing exit status).
static void glimpse_raw_wait(pid_t child, unsigned seconds, glimpse_raw_answer *answer) {
    long long left = (long long)seconds * 1000; // milliseconds
    int finished = 0, reaped = 0, status = 0;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    if (pidfd >= 0) {
        struct pollfd ready = {pidfd, POLLIN, 0};
        int polled;
        do { polled = poll(&ready, 1, (int)left); } while (polled < 0 && errno == EINTR);
        close(pidfd);
        finished = polled != 0;
        left = 0;
    }
#endif
    // Without pidfd_open (Linux before 5.3): look every 5 ms.
    while (!finished && left > 0) {
        pid_t ended = waitpid(child, &status, WNOHANG);
        if (ended == child) { finished = reaped = 1; break; }
        if (ended < 0 && errno != EINTR) { answer->exited_oddly = 1; return; }
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
        left -= 5;
    }
    if (!finished) {
        kill(child, SIGKILL);
        answer->timed_out = 1;
    }
    if (!reaped) {
        pid_t ended;
        while ((ended = waitpid(child, &status, 0)) < 0 && errno == EINTR) {}
        if (ended < 0) { answer->exited_oddly = 1; return; }
    }
    if (WIFSIGNALED(status)) answer->signal = WTERMSIG(status);
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) answer->exited_oddly = 1;
}

/// Runs `request` on `size` bytes at `data` in a child process. On return `*mapping` (`*mapping_size` bytes,
/// to be freed with munmap) holds the answer followed by `capacity` bytes of output. -1 with errno set when
/// no child could be started.
static int glimpse_raw_run(const glimpse_raw_request *request, const void *data, size_t size, size_t capacity,
                           void **mapping, size_t *mapping_size) {
    size_t total = sizeof(glimpse_raw_answer) + capacity;
    void *shared = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (shared == MAP_FAILED) return -1;
    glimpse_raw_answer *answer = (glimpse_raw_answer *)shared;
    memset(answer, 0, sizeof(*answer));
    answer->exited_oddly = 1;
    pid_t child = fork();
    if (child < 0) { int saved = errno; munmap(shared, total); errno = saved; return -1; }
    if (child == 0) {
        glimpse_raw_child_setup();
        glimpse_raw_work(request, data, size, answer, (unsigned char *)shared + sizeof(*answer), capacity);
        answer->exited_oddly = 0;
        _exit(0);
    }
    glimpse_raw_wait(child, request->seconds, answer);
    *mapping = shared;
    *mapping_size = total;
    return 0;
}

/// The file descriptors the worker finds its input (the file's bytes) and its output (the answer and
/// `capacity` bytes after it) at.
enum { GLIMPSE_RAW_WORKER_INPUT = 3, GLIMPSE_RAW_WORKER_OUTPUT = 4 };

/// A memory file (memfd_create, called through syscall: glibc declares it only under _GNU_SOURCE), closed
/// on exec, at a descriptor of 10 or more, so that the dup2s of glimpse_raw_spawn each make a new descriptor.
static int glimpse_raw_memory_file(const char *name) {
    int fd = (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */);
    if (fd < 0) return -1;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    return high;
}

/// Writes all `size` bytes at `data` to `fd`. 0 or -1.
static int glimpse_raw_write_all(int fd, const unsigned char *data, size_t size) {
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return -1;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}

/// As glimpse_raw_run, with the executable at `worker` as the child: the bytes go to it in a memory file,
/// the request as its arguments, and the answer comes back in another memory file. -1 with errno set when
/// the worker could not be started.
static int glimpse_raw_spawn(const char *worker, const glimpse_raw_request *request, const void *data, size_t size,
                             size_t capacity, void **mapping, size_t *mapping_size) {
    size_t total = sizeof(glimpse_raw_answer) + capacity;
    int input = glimpse_raw_memory_file("glimpse-raw-input"), output = glimpse_raw_memory_file("glimpse-raw-output");
    int saved = 0;
    void *shared = MAP_FAILED;
    if (input < 0 || output < 0 || glimpse_raw_write_all(input, (const unsigned char *)data, size) != 0
        || ftruncate(output, (off_t)total) != 0
        || (shared = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, output, 0)) == MAP_FAILED) {
        saved = errno;
        if (input >= 0) close(input);
        if (output >= 0) close(output);
        errno = saved;
        return -1;
    }
    glimpse_raw_answer *answer = (glimpse_raw_answer *)shared;
    memset(answer, 0, sizeof(*answer));
    answer->exited_oddly = 1;
    char arguments[7][32];
    snprintf(arguments[0], 32, "%d", (int)request->task);
    snprintf(arguments[1], 32, "%d", request->apply_flip);
    snprintf(arguments[2], 32, "%d", request->use_preview);
    snprintf(arguments[3], 32, "%d", request->preview_long_side);
    snprintf(arguments[4], 32, "%lld", request->max_pixels);
    snprintf(arguments[5], 32, "%u", request->seconds);
    snprintf(arguments[6], 32, "%zu", capacity);
    char *argv[] = {(char *)worker, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5],
                    arguments[6], NULL};
    char *envp[] = {NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input, GLIMPSE_RAW_WORKER_INPUT);
    posix_spawn_file_actions_adddup2(&actions, output, GLIMPSE_RAW_WORKER_OUTPUT);
    pid_t child = 0;
    int failed = posix_spawn(&child, worker, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    close(input);
    close(output);
    if (failed) {
        munmap(shared, total);
        errno = failed;
        return -1;
    }
    glimpse_raw_wait(child, request->seconds, answer);
    *mapping = shared;
    *mapping_size = total;
    return 0;
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
