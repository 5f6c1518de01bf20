// What GlimpseImage asks of a LibRaw child process and what the child answers (see shim.h).
#ifndef GLIMPSE_RAW_PROTOCOL_H
#define GLIMPSE_RAW_PROTOCOL_H

#include <stddef.h>

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

/// The file descriptors the worker finds its input (the file's bytes) and its output (the answer and
/// `capacity` bytes after it) at.
enum { GLIMPSE_RAW_WORKER_INPUT = 3, GLIMPSE_RAW_WORKER_OUTPUT = 4 };

#endif
