#ifndef GLIMPSE_CVECTORKERNELS_H
#define GLIMPSE_CVECTORKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Integer dot products of `rows` int8 rows with one int16 query, computed exactly in 32-bit integers:
/// `out[r] = sum_{j < stride} codes[r * stride + j] * query[j]`.
///
/// `stride` must be a multiple of 32. The caller keeps every sum inside int32: with |codes| <= 127 it
/// suffices that 127 * stride * max|query| <= INT32_MAX (then no partial sum can overflow either).
/// Dispatches at run time: AVX2 where the CPU has it, a portable loop otherwise.
void glimpse_dot_i8_i16(const int8_t *codes, size_t stride, size_t rows, const int16_t *query, int32_t *out);

/// The portable loop, always available (tests compare it with the dispatched kernel).
void glimpse_dot_i8_i16_portable(const int8_t *codes, size_t stride, size_t rows, const int16_t *query,
                                 int32_t *out);

/// 1 when `glimpse_dot_i8_i16` uses the AVX2 kernel on this CPU, 0 otherwise.
int glimpse_dot_i8_i16_uses_avx2(void);

/// Dot products of every row of a tile with every row of another, each row `n` floats reached through
/// its own pointer: `out[i * nb + j] = a[i] . b[j]`. Dispatches at run time to the widest kernel the CPU
/// has: AVX-512, AVX2 with fused multiply-adds (sums may then differ from a plain loop's in the last
/// bits), or a portable loop.
void glimpse_dot_f32_tile(const float *const *a, size_t na, const float *const *b, size_t nb, size_t n, float *out);

/// The portable loop, always available.
void glimpse_dot_f32_tile_portable(const float *const *a, size_t na, const float *const *b, size_t nb, size_t n,
                                   float *out);

/// The kernels of `glimpse_dot_f32_tile`.
enum { GLIMPSE_F32_PORTABLE = 0, GLIMPSE_F32_AVX2 = 1, GLIMPSE_F32_AVX512 = 2 };

/// Runs one kernel (tests compare each with the portable loop): 1 when it ran, 0 when this CPU lacks it.
int glimpse_dot_f32_tile_using(int kernel, const float *const *a, size_t na, const float *const *b, size_t nb, size_t n,
                               float *out);

/// 1 when the CPU has the instructions of the AVX2 kernel (AVX2 and FMA), 0 otherwise.
int glimpse_dot_f32_uses_avx2(void);

/// 1 when the CPU has the instructions of the AVX-512 kernel (AVX-512F), 0 otherwise.
int glimpse_dot_f32_uses_avx512(void);

/// Integer dot products of every int8 row of a tile with every row of another, each row `stride` bytes
/// reached through its own pointer, exactly in 32-bit integers: `out[i * nb + j] = a[i] . b[j]`.
/// `stride` must be a multiple of 64 and every code within ±127 (then no sum overflows for strides up to
/// 65,536). Dispatches at run time: AVX-512 VNNI where the CPU has it, a portable loop otherwise.
void glimpse_dot_i8_tile(const int8_t *const *a, size_t na, const int8_t *const *b, size_t nb, size_t stride, int32_t *out);

/// The portable loop, always available.
void glimpse_dot_i8_tile_portable(const int8_t *const *a, size_t na, const int8_t *const *b, size_t nb, size_t stride,
                                  int32_t *out);

/// 1 when `glimpse_dot_i8_tile` uses the AVX-512 VNNI kernel on this CPU, 0 otherwise.
int glimpse_dot_i8_tile_uses_vnni(void);

#ifdef __cplusplus
}
#endif

#endif
