// 8-bit image kernels for augmentation: exact copies, bilinear warps and remaps, separable
// Gaussian blur (the colour kernels are in colour.c). Images are interleaved, `ch` samples per pixel (1–4),
// rows top first; "colour" samples are the first `colour` of each pixel (alpha excluded).
#include "CKernels.h"
#include "kernels_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/// Asks for [p, p + n) (clamped to `end`) ahead of use. Hardware prefetchers stop at 4 KiB page
/// boundaries, so an image larger than the caches is otherwise read cold page after page.
static inline void prefetch_span(const uint8_t *p, const uint8_t *end, size_t n) {
    for (size_t b = 0; b < n && p + b < end; b += 64) __builtin_prefetch(p + b);
}

/// Source index of `i` on an axis of `n` under border mode `border` (0 constant → -1,
/// 1 replicate, 2 reflect-101, 3 wrap); as BorderMode.index in augment.
static inline int border_index(int i, int n, int border) {
    if (i >= 0 && i < n) return i;
    switch (border) {
    case 0: return -1;
    case 1: return i < 0 ? 0 : n - 1;
    case 3: return ((i % n) + n) % n;
    default: {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        int j = ((i % period) + period) % period;
        return j >= n ? period - j : j;
    }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
/// Five RGB pixels per 16-byte shuffle: d[0…3·n) takes the pixels s, s − 3, … in turn. A load
/// reads one byte past its fifth pixel and a store writes one byte past it (restored at once),
/// so the vector loop stops while those bytes lie inside the rows; the rest goes pixel by pixel.
__attribute__((target("ssse3"))) static void reverse_rgb_ssse3(const uint8_t *s, uint8_t *d, int n, int rx, int sw) {
    const __m128i mask = _mm_setr_epi8(12, 13, 14, 9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2, -1);
    int x = 0;
    // Load window of pixels rx−x−4 … rx−x plus one byte of pixel rx−x+1 (must exist: rx−x+1 < sw).
    while (x < n && rx - x + 1 >= sw) { d[3 * x] = s[-3 * x]; d[3 * x + 1] = s[-3 * x + 1]; d[3 * x + 2] = s[-3 * x + 2]; x++; }
    // The blocks x, x + 5, … that fit, taken last first so that the source is read forwards
    // (hardware prefetchers follow ascending streams best).
    int blocks = 0;
    while (x + 5 * (blocks + 1) + 1 <= n && rx - x - 5 * blocks - 4 >= 0) blocks++;
    for (int b = blocks - 1; b >= 0; b--) {
        int xb = x + 5 * b;
        __m128i v = _mm_loadu_si128((const __m128i *)(s - 3 * xb - 12));
        _mm_storeu_si128((__m128i *)(d + 3 * xb), _mm_shuffle_epi8(v, mask));
        d[3 * xb + 15] = s[-3 * (xb + 5)];  // the byte of the next block the store overwrote
    }
    for (x += 5 * blocks; x < n; x++) { d[3 * x] = s[-3 * x]; d[3 * x + 1] = s[-3 * x + 1]; d[3 * x + 2] = s[-3 * x + 2]; }
}

/// Twenty-one RGB pixels per 64-byte byte permute (AVX-512 VBMI): d[0…3·n) takes the pixels s,
/// s − 3, … in turn; masked loads and stores touch only the 63 bytes of each block.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static void reverse_rgb_vbmi(const uint8_t *s, uint8_t *d, int n) {
    uint8_t order[64] = {0};
    for (int j = 0; j < 21; j++)
        for (int c = 0; c < 3; c++) order[3 * j + c] = (uint8_t)(3 * (20 - j) + c);
    const __m512i permutation = _mm512_loadu_si512(order);
    const __mmask64 block = ~0ULL >> 1;
    // Blocks last first, so that the source is read forwards.
    int blocks = n / 21;
    for (int b = blocks - 1; b >= 0; b--) {
        __m512i v = _mm512_maskz_loadu_epi8(block, s - 3 * (21 * b + 20));
        _mm512_mask_storeu_epi8(d + 63 * b, block, _mm512_permutexvar_epi8(permutation, v));
    }
    for (int x = 21 * blocks; x < n; x++) { d[3 * x] = s[-3 * x]; d[3 * x + 1] = s[-3 * x + 1]; d[3 * x + 2] = s[-3 * x + 2]; }
}
#endif

static void reverse_rgb_row(const uint8_t *s, uint8_t *d, int n, int rx, int sw) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512vbmi")) { reverse_rgb_vbmi(s, d, n); return; }
    if (__builtin_cpu_supports("ssse3")) { reverse_rgb_ssse3(s, d, n, rx, sw); return; }
#endif
    for (int x = 0; x < n; x++) { d[3 * x] = s[-3 * x]; d[3 * x + 1] = s[-3 * x + 1]; d[3 * x + 2] = s[-3 * x + 2]; }
}

/// n bytes from s to d, asking for the same span of `later` (a row read a few rows on; NULL for
/// none) as it goes. glibc's memcpy of one row of a few hundred bytes at a time ran a vertical
/// flip of 300 images past the caches at 19–22 µs each against 13 for one memcpy of the whole
/// image; this loop, 13 (256 × 256 RGB, C microbenchmark).
static inline void copy_row(const uint8_t *s, uint8_t *d, size_t n, const uint8_t *later) {
    size_t b = 0;
    for (; b + 64 <= n; b += 64) {
        if (later) __builtin_prefetch(later + b);
        memcpy(d + b, s + b, 64);
    }
    memcpy(d + b, s + b, n - b);
}

void gk_copy_exact_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, int x0, int y0, int dxx,
                      int dxy, int dyx, int dyy, int border, const uint8_t *fill) {
    // Rows are taken in the order that reads the source forwards (prefetchers follow ascending
    // streams best): bottom first when the map turns the image upside down.
    for (int step = 0; step < dh; step++) {
        int y = dyy < 0 ? dh - 1 - step : step;
        int rx = x0 + dyx * y, ry = y0 + dyy * y;
        uint8_t *d = dst + (size_t)y * dw * ch;
        int lastX = rx + dxx * (dw - 1), lastY = ry + dxy * (dw - 1);
        int inside = rx >= 0 && rx < sw && lastX >= 0 && lastX < sw && ry >= 0 && ry < sh && lastY >= 0 && lastY < sh;
        if (inside && dxy == 0 && dxx == 1) {
            int ahead = ry + 4 * abs(dyy);
            copy_row(src + ((size_t)ry * sw + rx) * ch, d, (size_t)dw * ch,
                     dyx == 0 && ahead < sh ? src + ((size_t)ahead * sw + rx) * ch : NULL);
            continue;
        }
        if (inside && dxy == 0 && dxx == -1) {
            const uint8_t *s = src + ((size_t)ry * sw + rx) * ch;
            if (ch == 1) {
                for (int x = 0; x < dw; x++) d[x] = s[-x];
            } else if (ch == 3) {
                // The next source row is fetched while this one is reversed.
                const uint8_t *next = s + 2 * (ptrdiff_t)dyy * sw * 3 - 3 * (ptrdiff_t)rx;
                for (int b = 0; b < 3 * dw; b += 64) __builtin_prefetch(next + b);
                reverse_rgb_row(s, d, dw, rx, sw);
            } else if (ch == 4) {
                uint32_t *d4 = (uint32_t *)d; const uint8_t *s4 = s;
                for (int x = 0; x < dw; x++) { uint32_t v; memcpy(&v, s4 - 4 * x, 4); memcpy(d4 + x, &v, 4); }
            } else {
                for (int x = 0; x < dw; x++) for (int c = 0; c < ch; c++) d[x * ch + c] = s[-x * ch + c];
            }
            continue;
        }
        for (int x = 0; x < dw; x++) {
            int sx = border_index(rx + dxx * x, sw, border), sy = border_index(ry + dxy * x, sh, border);
            if (sx < 0 || sy < 0) { for (int c = 0; c < ch; c++) d[x * ch + c] = fill[c]; continue; }
            const uint8_t *s = src + ((size_t)sy * sw + sx) * ch;
            for (int c = 0; c < ch; c++) d[x * ch + c] = s[c];
        }
    }
}

/// One output pixel read bilinearly at source position (X, Y) in 11-bit fixed point (pixel
/// centres at multiples of 2048), with OpenCV's 8-bit warps' weights and rounding.
static inline void bilinear_fixed(const uint8_t *src, int sw, int sh, int ch, long X, long Y, int border,
                                  const uint8_t *fill, uint8_t *out) {
    long ix = X >> 11, iy = Y >> 11;
    int wx = (int)(X & 2047), wy = (int)(Y & 2047);
    if (ix >= 0 && iy >= 0 && ix + 1 < sw && iy + 1 < sh) {
        const uint8_t *p = src + ((size_t)iy * sw + ix) * ch, *q = p + (size_t)sw * ch;
        for (int c = 0; c < ch; c++) {
            int top = p[c] * (2048 - wx) + p[c + ch] * wx, bottom = q[c] * (2048 - wx) + q[c + ch] * wx;
            out[c] = (uint8_t)((top * (2048 - wy) + bottom * wy + (1 << 21)) >> 22);
        }
        return;
    }
    int xs[2] = {border_index((int)ix, sw, border), border_index((int)ix + 1, sw, border)};
    int ys[2] = {border_index((int)iy, sh, border), border_index((int)iy + 1, sh, border)};
    int wxs[2] = {2048 - wx, wx}, wys[2] = {2048 - wy, wy};
    for (int c = 0; c < ch; c++) {
        long acc = 0;
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < 2; i++) {
                int v = (xs[i] < 0 || ys[j] < 0) ? fill[c] : src[((size_t)ys[j] * sw + xs[i]) * ch + c];
                acc += (long)v * wxs[i] * wys[j];
            }
        out[c] = (uint8_t)((acc + (1 << 21)) >> 22);
    }
}

static inline void nearest_pixel(const uint8_t *src, int sw, int sh, int ch, float fx, float fy, int border,
                                 const uint8_t *fill, uint8_t *out) {
    int sx = border_index((int)lrintf(fx), sw, border), sy = border_index((int)lrintf(fy), sh, border);
    if (sx < 0 || sy < 0) { for (int c = 0; c < ch; c++) out[c] = fill[c]; return; }
    const uint8_t *s = src + ((size_t)sy * sw + sx) * ch;
    for (int c = 0; c < ch; c++) out[c] = s[c];
}

/// One RGB pixel of the horizontal pass: out[0…3) = a·(2048 − w) + b·w.
static inline void horizontal_rgb_pixel(const uint8_t *a, const uint8_t *b, int w, int *out) {
    for (int c = 0; c < 3; c++) out[c] = a[c] * (2048 - w) + b[c] * w;
}

#if defined(__x86_64__)
/// The horizontal pass over an RGB row, two pixels per step: 4 bytes loaded at each source
/// pixel, interleaved into 16-bit (a, b) pairs, weighted by one pmaddwd and packed to six ints.
/// A load's fourth byte belongs to the next pixel, so a pair reading the row's last source pixel
/// goes the scalar way; the two spare lanes stored are overwritten by the next pair (or land in
/// the row's two spare ints).
__attribute__((target("avx2"))) static void horizontal_rgb_avx2(const uint8_t *row, int sw, const int *xs0,
                                                                 const int *xs1, const int *wxs, int dw, int *out) {
    const __m256i pack = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    int x = 0;
    for (; x + 1 < dw; x += 2) {
        if (xs0[x] == sw - 1 || xs1[x] == sw - 1 || xs0[x + 1] == sw - 1 || xs1[x + 1] == sw - 1) {
            horizontal_rgb_pixel(row + (size_t)xs0[x] * 3, row + (size_t)xs1[x] * 3, wxs[x], out + 3 * x);
            horizontal_rgb_pixel(row + (size_t)xs0[x + 1] * 3, row + (size_t)xs1[x + 1] * 3, wxs[x + 1], out + 3 * x + 3);
            continue;
        }
        uint32_t a0, b0, a1, b1;
        memcpy(&a0, row + (size_t)xs0[x] * 3, 4);
        memcpy(&b0, row + (size_t)xs1[x] * 3, 4);
        memcpy(&a1, row + (size_t)xs0[x + 1] * 3, 4);
        memcpy(&b1, row + (size_t)xs1[x + 1] * 3, 4);
        __m128i p0 = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)a0), _mm_cvtsi32_si128((int)b0));
        __m128i p1 = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)a1), _mm_cvtsi32_si128((int)b1));
        __m256i pairs = _mm256_cvtepu8_epi16(_mm_unpacklo_epi64(p0, p1));
        __m256i weights = _mm256_setr_m128i(_mm_set1_epi32((2048 - wxs[x]) | (wxs[x] << 16)),
                                            _mm_set1_epi32((2048 - wxs[x + 1]) | (wxs[x + 1] << 16)));
        _mm256_storeu_si256((__m256i *)(out + 3 * x), _mm256_permutevar8x32_epi32(_mm256_madd_epi16(pairs, weights), pack));
    }
    for (; x < dw; x++) horizontal_rgb_pixel(row + (size_t)xs0[x] * 3, row + (size_t)xs1[x] * 3, wxs[x], out + 3 * x);
}
#endif

#if defined(__x86_64__)
/// A run of 16 output samples of the horizontal pass on the AVX-512 VBMI path: the row's byte
/// where a 64-byte window holding all their source samples starts, the window bytes of each
/// sample's two sources as the 16-bit lanes (a, b) of one 32-bit lane (index 64 reads zero), and
/// each lane's weights (2048 − w, w).
typedef struct {
    int start;
    uint8_t index[64];
    int32_t weights[16];
} resample_run;

/// The runs of a row of `n` = dw · ch output samples (ch interleaved samples per pixel), or 0
/// when some run's sources span more than a window (downscales past about 3×).
static int resample_runs(const int *xs0, const int *xs1, const int *wxs, int dw, int ch, resample_run *runs) {
    int n = dw * ch;
    for (int k = 0; 16 * k < n; k++) {
        int lo = -1, hi = -1;
        for (int i = 16 * k; i < n && i < 16 * k + 16; i++) {
            int x = i / ch, c = i % ch, a = xs0[x] * ch + c, b = xs1[x] * ch + c;
            int l = a < b ? a : b, h = a < b ? b : a;
            if (lo < 0 || l < lo) lo = l;
            if (h > hi) hi = h;
        }
        if (hi - lo >= 64) return 0;
        resample_run *r = runs + k;
        r->start = lo;
        for (int j = 0; j < 16; j++) {
            int i = 16 * k + j;
            if (i >= n) { memset(r->index + 4 * j, 64, 4); r->weights[j] = 0; continue; }
            int x = i / ch, c = i % ch;
            r->index[4 * j] = (uint8_t)(xs0[x] * ch + c - lo); r->index[4 * j + 1] = 64;
            r->index[4 * j + 2] = (uint8_t)(xs1[x] * ch + c - lo); r->index[4 * j + 3] = 64;
            r->weights[j] = (2048 - wxs[x]) | (wxs[x] << 16);
        }
    }
    return 1;
}

/// The horizontal pass over one row of `row_bytes` by the runs: per run one masked load of the
/// window, one byte permute into (a, b) pairs and one pmaddwd, 16 samples at a time.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static void resample_row_vbmi(const uint8_t *row, int row_bytes,
                                                                                      const resample_run *runs, int n, int *out) {
    const __m512i zero = _mm512_setzero_si512();
    for (int k = 0; 16 * k < n; k++) {
        const resample_run *r = runs + k;
        int left = row_bytes - r->start;
        __m512i window = _mm512_maskz_loadu_epi8(left >= 64 ? ~0ULL : ~0ULL >> (64 - left), row + r->start);
        __m512i pairs = _mm512_permutex2var_epi8(window, _mm512_loadu_si512(r->index), zero);
        __m512i sums = _mm512_madd_epi16(pairs, _mm512_loadu_si512(r->weights));
        int lanes = n - 16 * k;
        _mm512_mask_storeu_epi32(out + 16 * k, lanes >= 16 ? 0xFFFF : (__mmask16)((1u << lanes) - 1), sums);
    }
}
#endif

/// The horizontal pass over an RGB row: out[3x + c] = a[c]·(2048 − w) + b[c]·w for the source
/// pixels xs0[x], xs1[x] and weight wxs[x].
static void horizontal_rgb(const uint8_t *row, int sw, const int *xs0, const int *xs1, const int *wxs, int dw, int *out) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) { horizontal_rgb_avx2(row, sw, xs0, xs1, wxs, dw, out); return; }
#endif
    for (int x = 0; x < dw; x++) horizontal_rgb_pixel(row + (size_t)xs0[x] * 3, row + (size_t)xs1[x] * 3, wxs[x], out + 3 * x);
}

/// The axis-aligned case of a bilinear warp (scales and translations: resizes and crops), as
/// OpenCV's `resize`: each used source row is interpolated along x once into 11-bit fixed point,
/// then rows are blended along y. Returns 0 (and writes nothing) when a sample would need the
/// constant fill, which the general path handles.
GK_DISPATCH
static int warp_axis_aligned(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, const double *inv,
                             int border) {
    // Each row buffer has two spare ints: the RGB pass's 8-lane stores run two samples past a row.
    int *xs0 = malloc(sizeof(int) * (3 * (size_t)dw + 3 * (size_t)dh + 2 * ((size_t)dw * ch + 2)));
    if (!xs0) return 0;
    int *xs1 = xs0 + dw, *wxs = xs1 + dw, *ys0 = wxs + dw, *ys1 = ys0 + dh, *wys = ys1 + dh;
    int *rows[2] = {wys + dh, wys + dh + (size_t)dw * ch + 2};
    int ok = 1;
    resample_run *runs = NULL;
    for (int x = 0; x < dw && ok; x++) {
        double fx = inv[0] * (x + 0.5) + inv[2] - 0.5, fl = floor(fx);
        xs0[x] = border_index((int)fl, sw, border); xs1[x] = border_index((int)fl + 1, sw, border);
        wxs[x] = (int)lrint((fx - fl) * 2048.0);
        ok = xs0[x] >= 0 && xs1[x] >= 0;
    }
    for (int y = 0; y < dh && ok; y++) {
        double fy = inv[4] * (y + 0.5) + inv[5] - 0.5, fl = floor(fy);
        ys0[y] = border_index((int)fl, sh, border); ys1[y] = border_index((int)fl + 1, sh, border);
        wys[y] = (int)lrint((fy - fl) * 2048.0);
        ok = ys0[y] >= 0 && ys1[y] >= 0;
    }
    if (!ok) { free(xs0); return 0; }
    size_t n = (size_t)dw * ch;
#if defined(__x86_64__)
    // RGB and RGBA rows (gray ones stay on the plain loop, which the tests hold these to).
    if ((ch == 3 || ch == 4) && __builtin_cpu_supports("avx512vbmi")) {
        runs = malloc(sizeof(resample_run) * (n / 16 + 1));
        if (runs && !resample_runs(xs0, xs1, wxs, dw, ch, runs)) { free(runs); runs = NULL; }
    }
#endif
    int cached[2] = {-1, -1};
    for (int y = 0; y < dh; y++) {
        int want[2] = {ys0[y], ys1[y]};
        const int *r[2];
        for (int k = 0; k < 2; k++) {
            int slot = cached[0] == want[k] ? 0 : cached[1] == want[k] ? 1 : -1;
            if (slot < 0) {
                slot = cached[0] == want[1 - k] ? 1 : 0;  // never evict the other row this line needs
                const uint8_t *row = src + (size_t)want[k] * sw * ch;
                int *out = rows[slot];
#if defined(__x86_64__)
                if (runs) {
                    resample_row_vbmi(row, sw * ch, runs, (int)n, out);
                } else
#endif
                if (ch == 3) {
                    horizontal_rgb(row, sw, xs0, xs1, wxs, dw, out);
                } else if (ch == 1) {
                    for (int x = 0; x < dw; x++) out[x] = row[xs0[x]] * (2048 - wxs[x]) + row[xs1[x]] * wxs[x];
                } else {
                    for (int x = 0; x < dw; x++) {
                        const uint8_t *a = row + (size_t)xs0[x] * ch, *b = row + (size_t)xs1[x] * ch;
                        int w = wxs[x];
                        for (int c = 0; c < ch; c++) out[x * ch + c] = a[c] * (2048 - w) + b[c] * w;
                    }
                }
                cached[slot] = want[k];
            }
            r[k] = rows[slot];
        }
        int wy = wys[y];
        uint8_t *d = dst + (size_t)y * n;
        const int *top = r[0], *bottom = r[1];
        for (size_t i = 0; i < n; i++) d[i] = (uint8_t)((top[i] * (2048 - wy) + bottom[i] * wy + (1 << 21)) >> 22);
    }
    free(runs);
    free(xs0);
    return 1;
}

GK_DISPATCH
void gk_warp_affine_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, const double *inv,
                       int border, const uint8_t *fill, int nearest) {
    if (!nearest && inv[1] == 0 && inv[3] == 0 &&
        warp_axis_aligned(src, sw, sh, ch, dst, dw, dh, inv, border))
        return;
    if (!nearest) {
        // OpenCV's scheme: source positions in 11-bit fixed point, the per-column part computed
        // once per call and the per-row part once per row, so nothing accumulates rounding.
        long *adx = malloc(sizeof(long) * 2 * (size_t)dw);
        if (adx) {
            long *ady = adx + dw;
            for (int x = 0; x < dw; x++) { adx[x] = lrint(inv[0] * x * 2048.0); ady[x] = lrint(inv[3] * x * 2048.0); }
            for (int y = 0; y < dh; y++) {
                long bx = lrint((inv[0] * 0.5 + inv[1] * (y + 0.5) + inv[2] - 0.5) * 2048.0);
                long by = lrint((inv[3] * 0.5 + inv[4] * (y + 0.5) + inv[5] - 0.5) * 2048.0);
                uint8_t *d = dst + (size_t)y * dw * ch;
                for (int x = 0; x < dw; x++) bilinear_fixed(src, sw, sh, ch, bx + adx[x], by + ady[x], border, fill, d + x * ch);
            }
            free(adx);
            return;
        }
    }
    for (int y = 0; y < dh; y++) {
        double bx = inv[0] * 0.5 + inv[1] * (y + 0.5) + inv[2] - 0.5;
        double by = inv[3] * 0.5 + inv[4] * (y + 0.5) + inv[5] - 0.5;
        uint8_t *d = dst + (size_t)y * dw * ch;
        for (int x = 0; x < dw; x++) {
            float fx = (float)(bx + inv[0] * x), fy = (float)(by + inv[3] * x);
            if (nearest) nearest_pixel(src, sw, sh, ch, fx, fy, border, fill, d + x * ch);
            else bilinear_fixed(src, sw, sh, ch, lrintf(fx * 2048.0f), lrintf(fy * 2048.0f), border, fill, d + x * ch);
        }
    }
}

void gk_remap_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, const float *map, int border,
                 const uint8_t *fill) {
    for (size_t i = 0; i < (size_t)dw * dh; i++)
        bilinear_fixed(src, sw, sh, ch, lrintf(map[2 * i] * 2048.0f), lrintf(map[2 * i + 1] * 2048.0f), border, fill, dst + i * ch);
}

/// One separable pass along rows: out[i] = Σ_k kernel[k]·row[i + (k − r)·stride], the row
/// mirrored (reflect-101) at its ends. The interior runs tap by tap over contiguous samples, so
/// it vectorises; the 2r border pixels read through the mirror.
static inline void blur_row(const float *row, float *out, int w, int stride, const float *kernel, int r) {
    int lo = r < w ? r : w, hi = w - r > lo ? w - r : lo;
    size_t a = (size_t)lo * stride, z = (size_t)hi * stride;
    for (size_t i = a; i < z; i++) out[i] = 0;
    for (int k = 0; k <= 2 * r; k++) {
        float kk = kernel[k];
        const float *src = row + (ptrdiff_t)(k - r) * stride;
        for (size_t i = a; i < z; i++) out[i] += kk * src[i];
    }
    for (int x = 0; x < w; x++) {
        if (x == lo) x = hi;
        if (x >= w) break;
        for (int c = 0; c < stride; c++) {
            float acc = 0;
            for (int k = 0; k <= 2 * r; k++) acc += kernel[k] * row[border_index(x + k - r, w, 2) * stride + c];
            out[x * stride + c] = acc;
        }
    }
}

GK_DISPATCH
void gk_gaussian_blur_f32(const float *src, int w, int h, int stride, float *dst, const float *kernel, int r, float *scratch) {
    // scratch: w·h·stride floats holding the horizontal pass.
    for (int y = 0; y < h; y++) blur_row(src + (size_t)y * w * stride, scratch + (size_t)y * w * stride, w, stride, kernel, r);
    size_t rowLen = (size_t)w * stride;
    for (int y = 0; y < h; y++) {
        float *o = dst + (size_t)y * rowLen;
        for (size_t i = 0; i < rowLen; i++) o[i] = 0;
        for (int k = 0; k <= 2 * r; k++) {
            const float *s = scratch + (size_t)border_index(y + k - r, h, 2) * rowLen;
            float kk = kernel[k];
            for (size_t i = 0; i < rowLen; i++) o[i] += kk * s[i];
        }
    }
}

GK_DISPATCH
void gk_gaussian_blur_u8(const uint8_t *src, int w, int h, int ch, uint8_t *dst, const float *kernel, int r, float *scratch) {
    // scratch: (2r + 3)·w·ch floats: one converted source row, a ring of the 2r + 1 horizontally
    // filtered rows the current output row needs, and the output accumulator. Rows stay in cache.
    size_t rowLen = (size_t)w * ch;
    int taps = 2 * r + 1;
    float *in = scratch, *acc = scratch + rowLen, *ring = scratch + 2 * rowLen;
    int ringRow[taps];
    for (int k = 0; k < taps; k++) ringRow[k] = -1;
    for (int y = 0; y < h; y++) {
        for (size_t i = 0; i < rowLen; i++) acc[i] = 0;
        for (int k = 0; k < taps; k++) {
            int sy = border_index(y + k - r, h, 2);
            int slot = sy % taps;
            float *row = ring + (size_t)slot * rowLen;
            if (ringRow[slot] != sy) {
                const uint8_t *s8 = src + (size_t)sy * rowLen;
                int ahead = sy + 2 < h ? sy + 2 : h - 1;
                prefetch_span(src + (size_t)ahead * rowLen, src + (size_t)h * rowLen, rowLen);
                for (size_t i = 0; i < rowLen; i++) in[i] = s8[i];
                blur_row(in, row, w, ch, kernel, r);
                ringRow[slot] = sy;
            }
            float kk = kernel[k];
            for (size_t i = 0; i < rowLen; i++) acc[i] += kk * row[i];
        }
        uint8_t *o = dst + (size_t)y * rowLen;
        for (size_t i = 0; i < rowLen; i++) o[i] = (uint8_t)(int)(fminf(fmaxf(acc[i], 0.0f), 255.0f) + 0.5f);
    }
}
