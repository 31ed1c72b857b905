// im2col / col2im for 2-D convolution as GEMM (one image at a time). Each output row touches
// the input only inside [ox_lo, ox_hi), computed once, so the inner loops have no bounds tests.
// im2col with stride 2 and at most 16 output columns (the 4x4, stride-2 layers of a DCGAN) has an
// AVX-512 path on a zero-padded copy of each plane: a row of columns is the even elements of a run
// of the padded input row, one two-source permute; it moves the same values as the plain loops.
#include <string.h>

#include "CKernels.h"
#include "kernels_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// Largest zero-padded plane (floats) the stride-2 path copies to the stack.
enum { PADDED_MAX = 4096 };

/// Copies plane x[h, w] into padded[h + 2·pad, w + 2·pad] with a zero border.
static void pad_plane(const float *x, size_t h, size_t w, size_t pad, float *padded) {
    size_t pw = w + 2 * pad;
    memset(padded, 0, (h + 2 * pad) * pw * sizeof(float));
    for (size_t y = 0; y < h; y++) memcpy(padded + (y + pad) * pw + pad, x + y * w, w * sizeof(float));
}

/// The first n of 32 lanes (two 16-lane registers) as masks.
static inline __mmask16 low_lanes(size_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }
static inline __mmask16 high_lanes(size_t n) { return n <= 16 ? 0 : low_lanes(n - 16); }

GK_AVX512 static void im2col_s2_512(const float *x, size_t c, size_t h, size_t w, size_t kh, size_t kw, size_t pad,
                                    size_t oh, size_t ow, size_t ld, float *cols) {
    float padded[PADDED_MAX];
    size_t pw = w + 2 * pad, span = 2 * ow - 1;  // a row of columns reads `span` padded floats
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    __mmask16 lo = low_lanes(span), hi = high_lanes(span), out = low_lanes(ow);
    for (size_t ch = 0; ch < c; ch++) {
        pad_plane(x + ch * h * w, h, w, pad, padded);
        for (size_t ki = 0; ki < kh; ki++)
            for (size_t kj = 0; kj < kw; kj++) {
                float *row = cols + ((ch * kh + ki) * kw + kj) * ld;
                for (size_t oy = 0; oy < oh; oy++) {
                    const float *src = padded + (oy * 2 + ki) * pw + kj;
                    __m512 a = _mm512_maskz_loadu_ps(lo, src);
                    __m512 b = hi ? _mm512_maskz_loadu_ps(hi, src + 16) : _mm512_setzero_ps();
                    _mm512_mask_storeu_ps(row + oy * ow, out, _mm512_permutex2var_ps(a, evens, b));
                }
            }
    }
}

/// Whether the AVX-512 stride-2 im2col takes this shape: stride 2, at most 16 output columns, a
/// padded plane that fits `PADDED_MAX`, and the output size the padded input gives.
static int takes_s2_path(size_t h, size_t w, size_t kh, size_t kw, size_t stride, size_t pad, size_t oh, size_t ow) {
    return gk_simd_level_once() >= GK_SIMD_AVX512 && stride == 2 && ow >= 1 && ow <= 16
        && (h + 2 * pad) * (w + 2 * pad) <= PADDED_MAX && h + 2 * pad >= kh && w + 2 * pad >= kw
        && oh == (h + 2 * pad - kh) / 2 + 1 && ow == (w + 2 * pad - kw) / 2 + 1;
}
#endif

/// Output columns ox whose input column ox*stride + kj - pad lies inside [0, w).
static inline void valid_range(size_t kj, size_t stride, size_t pad, size_t w, size_t ow,
                               size_t *lo, size_t *hi) {
    long first = (long)pad - (long)kj;                       // smallest ox*stride allowed
    size_t l = first <= 0 ? 0 : (size_t)((first + (long)stride - 1) / (long)stride);
    long last = (long)w - 1 + (long)pad - (long)kj;          // largest ox*stride allowed
    size_t h = last < 0 ? 0 : (size_t)(last / (long)stride) + 1;
    if (h > ow) h = ow;
    if (l > h) l = h;
    *lo = l; *hi = h;
}

GK_DISPATCH
void gk_im2col(const float *x, size_t c, size_t h, size_t w, size_t kh, size_t kw,
               size_t stride, size_t pad, size_t oh, size_t ow, size_t ld, float *cols) {
#if defined(__x86_64__)
    if (takes_s2_path(h, w, kh, kw, stride, pad, oh, ow)) { im2col_s2_512(x, c, h, w, kh, kw, pad, oh, ow, ld, cols); return; }
#endif
    for (size_t ch = 0; ch < c; ch++)
        for (size_t ki = 0; ki < kh; ki++)
            for (size_t kj = 0; kj < kw; kj++) {
                float *row = cols + ((ch * kh + ki) * kw + kj) * ld;
                const float *plane = x + ch * h * w;
                size_t lo, hi;
                valid_range(kj, stride, pad, w, ow, &lo, &hi);
                for (size_t oy = 0; oy < oh; oy++) {
                    long iy = (long)(oy * stride + ki) - (long)pad;
                    float *dst = row + oy * ow;
                    if (iy < 0 || iy >= (long)h) { memset(dst, 0, ow * sizeof(float)); continue; }
                    const float *src = plane + iy * w + (long)kj - (long)pad;
                    for (size_t ox = 0; ox < lo; ox++) dst[ox] = 0;
                    if (stride == 1) {
                        memcpy(dst + lo, src + lo, (hi - lo) * sizeof(float));
                    } else {
                        for (size_t ox = lo; ox < hi; ox++) dst[ox] = src[ox * stride];
                    }
                    for (size_t ox = hi; ox < ow; ox++) dst[ox] = 0;
                }
            }
}

GK_DISPATCH
void gk_col2im(const float *cols, size_t c, size_t h, size_t w, size_t kh, size_t kw,
               size_t stride, size_t pad, size_t oh, size_t ow, size_t ld, float *x) {
    for (size_t ch = 0; ch < c; ch++)
        for (size_t ki = 0; ki < kh; ki++)
            for (size_t kj = 0; kj < kw; kj++) {
                const float *row = cols + ((ch * kh + ki) * kw + kj) * ld;
                float *plane = x + ch * h * w;
                size_t lo, hi;
                valid_range(kj, stride, pad, w, ow, &lo, &hi);
                for (size_t oy = 0; oy < oh; oy++) {
                    long iy = (long)(oy * stride + ki) - (long)pad;
                    if (iy < 0 || iy >= (long)h) continue;
                    const float *src = row + oy * ow;
                    float *dst = plane + iy * w + (long)kj - (long)pad;
                    if (stride == 1) {
                        for (size_t ox = lo; ox < hi; ox++) dst[ox] += src[ox];
                    } else {
                        for (size_t ox = lo; ox < hi; ox++) dst[ox * stride] += src[ox];
                    }
                }
            }
}
