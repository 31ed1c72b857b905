// Shared inline helpers of the kernel files: the dispatch attribute and a vectorisable expf.
#ifndef GENSUITE_KERNELS_INTERNAL_H
#define GENSUITE_KERNELS_INTERNAL_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define GK_DISPATCH __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GK_DISPATCH
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
