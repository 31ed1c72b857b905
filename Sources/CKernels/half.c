// IEEE 754 binary16 ("half", float16) storage for weights that decoding streams: conversion from
// float32 rounding to nearest, ties to even (as F16C's VCVTPS2PH with _MM_FROUND_TO_NEAREST_INT,
// numpy's astype(float16) and PyTorch's .half()), and back, which is exact.
#include "CKernels.h"
#include "kernels_internal.h"

/// Whether a finite float became an infinite half.
static inline int overflowed(float value, uint16_t half) { return (half & 0x7fffu) == 0x7c00u && isfinite(value); }

#if defined(__x86_64__)
#include <immintrin.h>

/// 16 floats at a time through VCVTPS2PH, counting the finite ones at or past 65520 (the ones
/// that round to infinity) in the same pass.
GK_AVX512 static size_t to_f16_512(size_t n, const float *src, uint16_t *dst) {
    const __m512 limit = _mm512_set1_ps(65520.0f), infinity = _mm512_set1_ps(INFINITY);
    size_t i = 0, count = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(src + i), magnitude = _mm512_abs_ps(v);
        _mm256_storeu_si256((__m256i *)(dst + i), _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __mmask16 over = _mm512_cmp_ps_mask(magnitude, limit, _CMP_GE_OQ) & _mm512_cmp_ps_mask(magnitude, infinity, _CMP_LT_OQ);
        count += (size_t)__builtin_popcount(over);
    }
    for (; i < n; i++) count += overflowed(src[i], dst[i] = gk_f16_from_f32(src[i]));
    return count;
}
#endif

uint16_t gk_f16_from_f32(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u)  // infinity, or NaN kept quiet with its top payload bits
        return sign | 0x7c00u | (magnitude > 0x7f800000u ? (uint16_t)(0x200u | ((magnitude >> 13) & 0x3ffu)) : 0);
    if (magnitude >= 0x477ff000u) return sign | 0x7c00u;  // rounds past 65504: infinity
    if (magnitude < 0x38800000u) {                          // below 2^-14: a subnormal half or zero
        if (magnitude < 0x33000000u) return sign;           // at most half the smallest subnormal: zero
        uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        int shift = 126 - (int)(magnitude >> 23);  // 14..24 places right
        uint32_t half = mantissa >> shift, rest = mantissa & ((1u << shift) - 1), midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1u))) half++;
        return sign | (uint16_t)half;
    }
    // Normal: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to even; a
    // carry out of the mantissa steps the exponent up, as it should.
    uint32_t rounded = magnitude - 0x38000000u + 0xfffu + ((magnitude >> 13) & 1u);
    return sign | (uint16_t)(rounded >> 13);
}

float gk_f32_from_f16(uint16_t half) {
    uint32_t sign = (uint32_t)(half & 0x8000u) << 16, exponent = (half >> 10) & 0x1fu, mantissa = half & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {  // subnormal: normalise
        int e = -1;
        do { mantissa <<= 1; e++; } while (!(mantissa & 0x400u));
        bits = sign | ((uint32_t)(112 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

size_t gk_f32_to_f16_n(size_t n, const float *src, uint16_t *dst) {
#if defined(__x86_64__)
    if (gk_simd_level_once() >= GK_SIMD_AVX512) return to_f16_512(n, src, dst);
#endif
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += overflowed(src[i], dst[i] = gk_f16_from_f32(src[i]));
    return count;
}
