// im2col / col2im for 2-D convolution as GEMM (one image at a time). Each output row touches
// the input only inside [ox_lo, ox_hi), computed once, so the inner loops have no bounds tests.
#include "CKernels.h"
#include "kernels_internal.h"

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
