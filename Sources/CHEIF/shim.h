// libheif for GlimpseImage (HEIC/HEIF photos). libheif reports errors by return value.
#ifndef GLIMPSE_CHEIF_SHIM_H
#define GLIMPSE_CHEIF_SHIM_H
#include <libheif/heif.h>
#endif
