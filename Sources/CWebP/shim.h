// libwebp for GlimpseImage: the simple decoding API and the demuxer (first frame of animations).
// libwebp reports errors by return value, so no wrapper code is needed here.
#ifndef GLIMPSE_CWEBP_SHIM_H
#define GLIMPSE_CWEBP_SHIM_H
#include <webp/decode.h>
#include <webp/demux.h>
#endif
