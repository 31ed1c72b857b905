// Shared inline helpers of the kernel files: the dispatch and target attributes, the CPU's SIMD
// level read once, and a vectorisable expf.
#ifndef GENSUITE_KERNELS_INTERNAL_H
#define GENSUITE_KERNELS_INTERNAL_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "CKernels.h"

#if defined(__x86_64__) && defined(__linux__)
#define GK_DISPATCH __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GK_DISPATCH
#endif

#if defined(__x86_64__)
/// Functions with hand-written AVX-512 or AVX2 code, called only after `gk_simd_level_once`.
#define GK_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define GK_AVX2 __attribute__((target("avx2,fma")))

/// gk_cpu_simd_level(), read once per kernel file.
static inline int gk_simd_level_once(void) {
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) __atomic_store_n(&cached, level = (int)gk_cpu_simd_level(), __ATOMIC_RELAXED);
    return level;
}
#endif

/// exp(x) in plain arithmetic so loops around it vectorise: Cephes' range reduction
/// x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for e^r, and 2^n built in the exponent
/// bits. Relative error about 2 ulp over the clamped range [-87.3, 88.3].
static inline float gk_expf(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/// log(x) for normal positive x (Cephes' logf: x = m·2^e with m in [√½, √2), a degree-9
/// polynomial for log(m)), vectorisable. Callers guarantee the argument range.
static inline float gk_logf_normal(float x) {
    int32_t bits;
    memcpy(&bits, &x, sizeof bits);
    float e = (float)(((bits >> 23) & 0xff) - 126);
    bits = (bits & (int32_t)0x807fffff) | 0x3f000000;       // mantissa in [0.5, 1)
    float m;
    memcpy(&m, &bits, sizeof m);
    int small = m < 0.70710678118654752f;
    e = small ? e - 1.0f : e;
    m = small ? m + m - 1.0f : m - 1.0f;
    float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += -2.12194440e-4f * e;
    y += -0.5f * z;
    return m + y + 0.693359375f * e;
}

/// log(1 + exp(-|x|)) + max(x, 0) = softplus(x), stable and vectorisable.
static inline float gk_softplusf(float x) {
    return fmaxf(x, 0.0f) + gk_logf_normal(1.0f + gk_expf(-fabsf(x)));
}

/// erf(x) by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), vectorisable.
static inline float gk_erff(float x) {
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float r = 1.0f - p * gk_expf(-a * a);
    return x < 0 ? -r : r;
}

static inline float gk_sigmoidf(float x) { return 1.0f / (1.0f + gk_expf(-x)); }

static inline float gk_tanhf(float x) { return 1.0f - 2.0f / (gk_expf(2.0f * x) + 1.0f); }

#endif
