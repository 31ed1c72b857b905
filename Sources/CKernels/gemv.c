// Matrix-vector products for decoding one token (an m = 1 GEMM). OpenBLAS's sgemv reaches about
// half of this machine's cache bandwidth at the shapes of a small language model (a 256-wide
// layer reads its weights once per token), so the engine streams them itself: a row at a time
// with AVX-512 or AVX2 fused multiply-adds, plain C elsewhere. A row's sum is always taken in the
// same order on one CPU, whichever thread computes it. Half-precision (float16) weights halve the
// bytes a token reads (the storage of llama.cpp's f16 files; here the vector stays float32).
#include "CKernels.h"
#include "kernels_internal.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>


/// y[r] = alpha·(W[r]·x) + beta·y[r], one row at a time with two 16-lane sums (a row's tail
/// through a masked load). One row streaming at a time keeps the hardware prefetcher on a single
/// sequential stream: measured on this machine it reads 1.7x faster from memory than four rows
/// interleaved (26-27 vs 15.6 GB/s at stories15M's shapes), and faster from cache too.
GK_AVX512 static void dot_rows_512(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x,
                                   float beta, float *y) {
    __mmask16 tail = (__mmask16)((1u << (k % 16)) - 1u);
    size_t pairs = k - k % 32, full = k - k % 16;
    for (size_t r = 0; r < rows; r++) {
        const float *row = w + r * ldw;
        __m512 a = _mm512_setzero_ps(), b = a;
        for (size_t j = 0; j < pairs; j += 32) {
            a = _mm512_fmadd_ps(_mm512_loadu_ps(row + j), _mm512_loadu_ps(x + j), a);
            b = _mm512_fmadd_ps(_mm512_loadu_ps(row + j + 16), _mm512_loadu_ps(x + j + 16), b);
        }
        if (full > pairs) a = _mm512_fmadd_ps(_mm512_loadu_ps(row + pairs), _mm512_loadu_ps(x + pairs), a);
        if (tail) b = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, row + full), _mm512_maskz_loadu_ps(tail, x + full), b);
        float s = _mm512_reduce_add_ps(_mm512_add_ps(a, b));
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}

/// The sum of an 8-lane register, pairwise.
GK_AVX2 static inline float sum8(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

/// As dot_rows_512 with four 8-lane sums; a row's tail added in scalar order after the lanes.
GK_AVX2 static void dot_rows_256(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x,
                                 float beta, float *y) {
    size_t quads = k - k % 32, full = k - k % 8;
    for (size_t r = 0; r < rows; r++) {
        const float *row = w + r * ldw;
        __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
        for (size_t j = 0; j < quads; j += 32) {
            a = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(x + j), a);
            b = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 8), _mm256_loadu_ps(x + j + 8), b);
            c = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 16), _mm256_loadu_ps(x + j + 16), c);
            d = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 24), _mm256_loadu_ps(x + j + 24), d);
        }
        for (size_t j = quads; j < full; j += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(x + j), a);
        float s = sum8(_mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)));
        for (size_t j = full; j < k; j++) s += row[j] * x[j];
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}

/// dot_rows_512 with float16 weights: each 16 halves widened by VCVTPH2PS, four 16-lane sums
/// (twice the weights per byte read keeps more multiply-adds in flight), the tail masked.
GK_AVX512 static void dot_rows_f16_512(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw,
                                       const float *x, float beta, float *y) {
    __mmask16 tail = (__mmask16)((1u << (k % 16)) - 1u);
    size_t quads = k - k % 64, full = k - k % 16;
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * ldw;
        __m512 a = _mm512_setzero_ps(), b = a, c = a, d = a;
        for (size_t j = 0; j < quads; j += 64) {
            a = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(row + j))), _mm512_loadu_ps(x + j), a);
            b = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(row + j + 16))),
                                _mm512_loadu_ps(x + j + 16), b);
            c = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(row + j + 32))),
                                _mm512_loadu_ps(x + j + 32), c);
            d = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(row + j + 48))),
                                _mm512_loadu_ps(x + j + 48), d);
        }
        for (size_t j = quads; j < full; j += 16)
            a = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(row + j))), _mm512_loadu_ps(x + j), a);
        if (tail)
            b = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(tail, row + full)),
                                _mm512_maskz_loadu_ps(tail, x + full), b);
        float s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a, b), _mm512_add_ps(c, d)));
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}

/// Whether the CPU converts halves (F16C: CPUID leaf 1, ECX bit 29), read once.
static int has_f16c(void) {
    static int cached = -1;
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known < 0) {
        unsigned int eax, ebx, ecx = 0, edx;
        known = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && ((ecx >> 29) & 1u);
        __atomic_store_n(&cached, known, __ATOMIC_RELAXED);
    }
    return known;
}

/// dot_rows_256 with float16 weights (VCVTPH2PS of F16C, checked apart from AVX2: a virtual
/// machine may hide it).
__attribute__((target("avx2,fma,f16c"))) static void dot_rows_f16_256(size_t rows, size_t k, float alpha,
                                                                     const uint16_t *w, size_t ldw, const float *x,
                                                                     float beta, float *y) {
    size_t quads = k - k % 32, full = k - k % 8;
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * ldw;
        __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
        for (size_t j = 0; j < quads; j += 32) {
            a = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j))), _mm256_loadu_ps(x + j), a);
            b = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j + 8))), _mm256_loadu_ps(x + j + 8),
                                b);
            c = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j + 16))),
                                _mm256_loadu_ps(x + j + 16), c);
            d = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j + 24))),
                                _mm256_loadu_ps(x + j + 24), d);
        }
        for (size_t j = quads; j < full; j += 8)
            a = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j))), _mm256_loadu_ps(x + j), a);
        float s = sum8(_mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)));
        for (size_t j = full; j < k; j++) s += gk_f32_from_f16(row[j]) * x[j];
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}
#endif

/// Plain C: one running sum per row.
static void dot_rows_c(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x, float beta,
                       float *y) {
    for (size_t r = 0; r < rows; r++) {
        const float *wr = w + r * ldw;
        float s = 0;
        for (size_t j = 0; j < k; j++) s += wr[j] * x[j];
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}

/// Plain C with float16 weights; AArch64 widens them with its own instruction (__fp16).
static void dot_rows_f16_c(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw, const float *x,
                           float beta, float *y) {
    for (size_t r = 0; r < rows; r++) {
#if defined(__aarch64__)
        const __fp16 *wr = (const __fp16 *)(w + r * ldw);
        float s = 0;
        for (size_t j = 0; j < k; j++) s += (float)wr[j] * x[j];
#else
        const uint16_t *wr = w + r * ldw;
        float s = 0;
        for (size_t j = 0; j < k; j++) s += gk_f32_from_f16(wr[j]) * x[j];
#endif
        y[r] = alpha * s + (beta == 0 ? 0 : beta * y[r]);
    }
}

void gk_gemv_rows(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x, float beta,
                  float *y) {
#if defined(__x86_64__)
    int level = gk_simd_level_once();
    if (level >= GK_SIMD_AVX512) { dot_rows_512(rows, k, alpha, w, ldw, x, beta, y); return; }
    if (level >= GK_SIMD_AVX2) { dot_rows_256(rows, k, alpha, w, ldw, x, beta, y); return; }
#endif
    dot_rows_c(rows, k, alpha, w, ldw, x, beta, y);
}

void gk_gemv_rows_f16(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw, const float *x, float beta,
                      float *y) {
#if defined(__x86_64__)
    int level = gk_simd_level_once();
    if (level >= GK_SIMD_AVX512) { dot_rows_f16_512(rows, k, alpha, w, ldw, x, beta, y); return; }
    if (level >= GK_SIMD_AVX2 && has_f16c()) { dot_rows_f16_256(rows, k, alpha, w, ldw, x, beta, y); return; }
#endif
    dot_rows_f16_c(rows, k, alpha, w, ldw, x, beta, y);
}

/// A product for the team: float32 weights `w`, or float16 weights `w16` when `w` is NULL.
typedef struct {
    size_t rows, k, ldw;
    float alpha, beta;
    const float *w, *x;
    const uint16_t *w16;
    float *y;
} gemv_job;

/// Part `part` of `parts` of a gemv_job: a run of rows (a multiple of 4 long, so parts start on
/// cache-line-friendly rows).
static void gemv_part(void *context, int part, int parts) {
    const gemv_job *j = context;
    size_t per = ((j->rows + (size_t)parts - 1) / (size_t)parts + 3) & ~(size_t)3;
    size_t start = per * (size_t)part;
    if (start >= j->rows) return;
    size_t len = j->rows - start < per ? j->rows - start : per;
    if (j->w)
        gk_gemv_rows(len, j->k, j->alpha, j->w + start * j->ldw, j->ldw, j->x, j->beta, j->y + start);
    else
        gk_gemv_rows_f16(len, j->k, j->alpha, j->w16 + start * j->ldw, j->ldw, j->x, j->beta, j->y + start);
}

void gk_gemv_rows_parallel(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x,
                           float beta, float *y, int parts) {
    gemv_job job = {rows, k, ldw, alpha, beta, w, x, NULL, y};
    gk_team_run(parts, gemv_part, &job);
}

void gk_gemv_rows_f16_parallel(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw, const float *x,
                               float beta, float *y, int parts) {
    gemv_job job = {rows, k, ldw, alpha, beta, NULL, x, w, y};
    gk_team_run(parts, gemv_part, &job);
}
