// 8-bit colour kernels for augmentation: lookup tables (brightness, contrast), BT.601 luma,
// saturation and hue. Images are interleaved, `ch` samples per pixel (1–4); colour samples are
// the first `colour` of each pixel and alpha is copied unchanged. Each kernel reads src once and
// writes dst once; RGB images (ch = 3) take loops the compiler vectorises over the interleaved
// samples.
#include "CKernels.h"
#include "kernels_internal.h"

/// Copies the samples that are not colour (alpha) from src to dst.
static inline void copy_alpha(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, int colour) {
    if (ch == colour) return;
    for (size_t p = 0; p < pixels; p++)
        for (int c = colour; c < ch; c++) dst[p * ch + c] = src[p * ch + c];
}

#if defined(__x86_64__)
#include <immintrin.h>
/// dst[i] = lut[src[i]], 64 samples per step: two 128-entry byte permutes (AVX-512 VBMI), the
/// sample's top bit choosing between them.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static void lut_vbmi(const uint8_t *src, uint8_t *dst, size_t n,
                                                                             const uint8_t *lut) {
    __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
    __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
    for (size_t i = 0; i < n; i += 64) {
        __mmask64 live = n - i >= 64 ? ~0ULL : (~0ULL >> (64 - (n - i)));
        __m512i v = _mm512_maskz_loadu_epi8(live, src + i);
        __m512i low = _mm512_permutex2var_epi8(t0, v, t1), high = _mm512_permutex2var_epi8(t2, v, t3);
        _mm512_mask_storeu_epi8(dst + i, live, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), low, high));
    }
}
#endif

/// dst[i] = lut[src[i]] for the n samples.
static void apply_lut(const uint8_t *src, uint8_t *dst, size_t n, const uint8_t *lut) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512vbmi")) { lut_vbmi(src, dst, n, lut); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = lut[src[i]];
}

void gk_linear_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, int colour, float gain, float offset) {
    uint8_t lut[256];
    for (int v = 0; v < 256; v++) lut[v] = (uint8_t)(int)(fminf(fmaxf((float)v * gain + offset, 0.0f), 255.0f) + 0.5f);
    apply_lut(src, dst, pixels * ch, lut);
    copy_alpha(src, dst, pixels, ch, colour);
}

/// BT.601 luma in 14-bit fixed point, OpenCV's RGB2GRAY coefficients (4899, 9617, 1868).
static inline int luma(int r, int g, int b) { return (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14; }

GK_DISPATCH
double gk_mean_luma_u8(const uint8_t *src, size_t pixels, int ch) {
    uint64_t sum = 0;
    if (ch == 3) {
        // Per row-sized chunk in 32-bit sums (at most 2¹⁶ · 255 each), so the loop vectorises.
        for (size_t start = 0; start < pixels; start += 65536) {
            size_t end = pixels - start < 65536 ? pixels : start + 65536;
            uint32_t part = 0;
            for (size_t p = start; p < end; p++) part += (uint32_t)luma(src[3 * p], src[3 * p + 1], src[3 * p + 2]);
            sum += part;
        }
    } else if (ch < 3) {
        for (size_t p = 0; p < pixels; p++) sum += src[p * ch];
    } else {
        for (size_t p = 0; p < pixels; p++) sum += (uint64_t)luma(src[p * ch], src[p * ch + 1], src[p * ch + 2]);
    }
    return pixels ? (double)sum / (double)pixels : 0;
}

/// One pixel blended with its luma: factor f in 1/4096ths, rounding half up as the float form.
static inline __attribute__((always_inline)) void blend_pixel(const uint8_t *q, uint8_t *o, int f) {
    int y = luma(q[0], q[1], q[2]);
    for (int c = 0; c < 3; c++) {
        int v = y + ((((int)q[c] - y) * f + 2048) >> 12);
        o[c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

GK_DISPATCH
void gk_blend_gray_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, float factor) {
    int f = (int)lrintf(factor * 4096.0f);
    if (ch == 3) {
        for (size_t p = 0; p < pixels; p++) blend_pixel(src + 3 * p, dst + 3 * p, f);
        return;
    }
    for (size_t p = 0; p < pixels; p++) blend_pixel(src + p * ch, dst + p * ch, f);
    copy_alpha(src, dst, pixels, ch, 3);
}

#if defined(__x86_64__)
/// RGB to gray RGB, 16 pixels (48 bytes) per step (AVX-512 VBMI): byte permutes spread each
/// pixel into the 16-bit pairs (r, g) and (b, 0) of one 32-bit lane, two pmaddwd weigh them with
/// `luma`'s coefficients, and a last permute copies each lane's luma byte to its three samples.
/// Bit for bit `luma`. Returns the pixels done (whole blocks of 16); the caller does the rest.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static size_t gray_rgb_vbmi(const uint8_t *src, uint8_t *dst, size_t pixels) {
    uint8_t rg[64], b[64], out[64] = {0};
    for (int p = 0; p < 16; p++) {
        rg[4 * p] = (uint8_t)(3 * p); rg[4 * p + 1] = 64; rg[4 * p + 2] = (uint8_t)(3 * p + 1); rg[4 * p + 3] = 64;
        b[4 * p] = (uint8_t)(3 * p + 2); b[4 * p + 1] = 64; b[4 * p + 2] = 64; b[4 * p + 3] = 64;
        for (int c = 0; c < 3; c++) out[3 * p + c] = (uint8_t)(4 * p);
    }
    // Index 64 reads the second table of permutex2var: zeros.
    const __m512i spread_rg = _mm512_loadu_si512(rg), spread_b = _mm512_loadu_si512(b), gather = _mm512_loadu_si512(out);
    const __m512i zero = _mm512_setzero_si512(), weights_rg = _mm512_set1_epi32(4899 | (9617 << 16));
    const __m512i weight_b = _mm512_set1_epi32(1868), half = _mm512_set1_epi32(8192);
    const __mmask64 block = ~0ULL >> 16;
    size_t p = 0;
    for (; p + 16 <= pixels; p += 16) {
        __m512i v = _mm512_maskz_loadu_epi8(block, src + 3 * p);
        __m512i sum = _mm512_add_epi32(_mm512_madd_epi16(_mm512_permutex2var_epi8(v, spread_rg, zero), weights_rg),
                                       _mm512_madd_epi16(_mm512_permutex2var_epi8(v, spread_b, zero), weight_b));
        __m512i y = _mm512_srli_epi32(_mm512_add_epi32(sum, half), 14);
        _mm512_mask_storeu_epi8(dst + 3 * p, block, _mm512_permutexvar_epi8(gather, y));
    }
    return p;
}
#endif

GK_DISPATCH
void gk_gray_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch) {
    if (ch == 3) {
        size_t p = 0;
#if defined(__x86_64__)
        if (__builtin_cpu_supports("avx512vbmi")) p = gray_rgb_vbmi(src, dst, pixels);
#endif
        for (; p < pixels; p++) {
            uint8_t y = (uint8_t)luma(src[3 * p], src[3 * p + 1], src[3 * p + 2]);
            dst[3 * p] = y; dst[3 * p + 1] = y; dst[3 * p + 2] = y;
        }
        return;
    }
    for (size_t p = 0; p < pixels; p++) {
        uint8_t y = (uint8_t)luma(src[p * ch], src[p * ch + 1], src[p * ch + 2]);
        dst[p * ch] = y; dst[p * ch + 1] = y; dst[p * ch + 2] = y;
    }
    copy_alpha(src, dst, pixels, ch, 3);
}

static inline uint8_t clamp_u8(float v) { return (uint8_t)(int)(fminf(fmaxf(v, 0.0f), 255.0f) + 0.5f); }

/// One pixel's hue turned by `shift` turns in HSV (the model of torchvision's adjust_hue), value
/// and saturation kept; branch-free: channel k of the result is v − (v − min)·clamp(min(t, 4 − t),
/// 0, 1) with t = (k + 6h) mod 6 for k = 5, 3, 1 (red, green, blue).
static inline __attribute__((always_inline)) void hue_pixel(const uint8_t *q, uint8_t *o, float shift) {
    float r = q[0], g = q[1], b = q[2];
    float mx = fmaxf(r, fmaxf(g, b)), mn = fminf(r, fminf(g, b));
    float delta = mx - mn, inv = 1.0f / fmaxf(delta, 1.0f);
    float h = mx == r ? (g - b) * inv : mx == g ? 2.0f + (b - r) * inv : 4.0f + (r - g) * inv;
    h += 6.0f * shift;
    h -= 6.0f * floorf(h * (1.0f / 6.0f));
    const float ks[3] = {5.0f, 3.0f, 1.0f};
    for (int c = 0; c < 3; c++) {
        float t = ks[c] + h;
        t -= t >= 6.0f ? 6.0f : 0.0f;
        t -= t >= 6.0f ? 6.0f : 0.0f;
        float m = fminf(fmaxf(fminf(t, 4.0f - t), 0.0f), 1.0f);
        o[c] = clamp_u8(mx - delta * m);
    }
}

GK_DISPATCH
void gk_shift_hue_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, float shift) {
    if (ch == 3) {
        for (size_t p = 0; p < pixels; p++) hue_pixel(src + 3 * p, dst + 3 * p, shift);
        return;
    }
    for (size_t p = 0; p < pixels; p++) hue_pixel(src + p * ch, dst + p * ch, shift);
    copy_alpha(src, dst, pixels, ch, 3);
}
