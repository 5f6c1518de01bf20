#include "CVectorKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#define GLIMPSE_X86 1
#include <immintrin.h>
#endif

void glimpse_dot_i8_tile_portable(const int8_t *const *a, size_t na, const int8_t *const *b, size_t nb, size_t stride,
                                  int32_t *out) {
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            int32_t sum = 0;
            for (size_t k = 0; k < stride; k++) sum += (int32_t)a[i][k] * (int32_t)b[j][k];
            out[i * nb + j] = sum;
        }
    }
}

#ifdef GLIMPSE_X86
/// The four sums of four accumulators' 16 lanes each, as (s0, s1, s2, s3): interleaving them first costs
/// a third of four separate horizontal sums.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline __m128i sum4_vnni(__m512i s0, __m512i s1, __m512i s2, __m512i s3) {
    __m512i t01 = _mm512_add_epi32(_mm512_unpacklo_epi32(s0, s1), _mm512_unpackhi_epi32(s0, s1));
    __m512i t23 = _mm512_add_epi32(_mm512_unpacklo_epi32(s2, s3), _mm512_unpackhi_epi32(s2, s3));
    __m512i u = _mm512_add_epi32(_mm512_unpacklo_epi64(t01, t23), _mm512_unpackhi_epi64(t01, t23));
    __m256i v = _mm256_add_epi32(_mm512_castsi512_si256(u), _mm512_extracti64x4_epi64(u, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/// vpdpbusd multiplies unsigned bytes by signed ones, four to a 32-bit lane. The rows of `a` are made
/// unsigned by flipping their sign bit (a + 128), so each lane sums (a + 128)·b; subtracting 128·Σb
/// (Σb found once per row of `b`, from bytes of 1) leaves a·b exactly. Four rows of `a` share each load
/// of `b`, and their four sums are reduced together.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void dot_i8_tile_vnni(const int8_t *const *a, size_t na, const int8_t *const *b, size_t nb, size_t stride,
                             int32_t *out) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const __m512i ones = _mm512_set1_epi8(1);
    int32_t shifts[64];
    for (size_t j0 = 0; j0 < nb; j0 += 64) {
        size_t count = nb - j0 < 64 ? nb - j0 : 64;
        for (size_t j = 0; j < count; j++) {
            __m512i sy = _mm512_setzero_si512();
            for (size_t k = 0; k < stride; k += 64) sy = _mm512_dpbusd_epi32(sy, ones, _mm512_loadu_si512((const void *)(b[j0 + j] + k)));
            shifts[j] = 128 * _mm512_reduce_add_epi32(sy);
        }
        size_t i = 0;
        for (; i + 4 <= na; i += 4) {
            const int8_t *a0 = a[i], *a1 = a[i + 1], *a2 = a[i + 2], *a3 = a[i + 3];
            for (size_t j = 0; j < count; j++) {
                const int8_t *y = b[j0 + j];
                __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512(), s2 = _mm512_setzero_si512();
                __m512i s3 = _mm512_setzero_si512();
                for (size_t k = 0; k < stride; k += 64) {
                    __m512i vy = _mm512_loadu_si512((const void *)(y + k));
                    s0 = _mm512_dpbusd_epi32(s0, _mm512_xor_si512(_mm512_loadu_si512((const void *)(a0 + k)), flip), vy);
                    s1 = _mm512_dpbusd_epi32(s1, _mm512_xor_si512(_mm512_loadu_si512((const void *)(a1 + k)), flip), vy);
                    s2 = _mm512_dpbusd_epi32(s2, _mm512_xor_si512(_mm512_loadu_si512((const void *)(a2 + k)), flip), vy);
                    s3 = _mm512_dpbusd_epi32(s3, _mm512_xor_si512(_mm512_loadu_si512((const void *)(a3 + k)), flip), vy);
                }
                int32_t sums[4];
                _mm_storeu_si128((__m128i *)sums, sum4_vnni(s0, s1, s2, s3));
                out[i * nb + j0 + j] = sums[0] - shifts[j];
                out[(i + 1) * nb + j0 + j] = sums[1] - shifts[j];
                out[(i + 2) * nb + j0 + j] = sums[2] - shifts[j];
                out[(i + 3) * nb + j0 + j] = sums[3] - shifts[j];
            }
        }
        // The last rows of `a` (fewer than four), against this block of `b`, one output row at a time.
        for (; i < na; i++) {
            const int8_t *row = a[i];
            for (size_t j = 0; j < count; j++) {
                int32_t sum = 0;
                for (size_t k = 0; k < stride; k++) sum += (int32_t)row[k] * (int32_t)b[j0 + j][k];
                out[i * nb + j0 + j] = sum;
            }
        }
    }
}
#endif

int glimpse_dot_i8_tile_uses_vnni(void) {
#ifdef GLIMPSE_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")
        ? 1 : 0;
#else
    return 0;
#endif
}

void glimpse_dot_i8_tile(const int8_t *const *a, size_t na, const int8_t *const *b, size_t nb, size_t stride, int32_t *out) {
#ifdef GLIMPSE_X86
    if (glimpse_dot_i8_tile_uses_vnni()) {  // a few instructions; called once per tile
        dot_i8_tile_vnni(a, na, b, nb, stride, out);
        return;
    }
#endif
    glimpse_dot_i8_tile_portable(a, na, b, nb, stride, out);
}
