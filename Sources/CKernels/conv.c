// im2col / col2im for 2-D convolution as GEMM (one image at a time).
#include "CKernels.h"
#include "kernels_internal.h"

GK_DISPATCH
void gk_im2col(const float *x, size_t c, size_t h, size_t w, size_t kh, size_t kw,
               size_t stride, size_t pad, size_t oh, size_t ow, size_t ld, float *cols) {
    for (size_t ch = 0; ch < c; ch++)
        for (size_t ki = 0; ki < kh; ki++)
            for (size_t kj = 0; kj < kw; kj++) {
                float *row = cols + ((ch * kh + ki) * kw + kj) * ld;
                const float *plane = x + ch * h * w;
                for (size_t oy = 0; oy < oh; oy++) {
                    long iy = (long)(oy * stride + ki) - (long)pad;
                    float *dst = row + oy * ow;
                    if (iy < 0 || iy >= (long)h) { memset(dst, 0, ow * sizeof(float)); continue; }
                    const float *src = plane + iy * w;
                    for (size_t ox = 0; ox < ow; ox++) {
                        long ix = (long)(ox * stride + kj) - (long)pad;
                        dst[ox] = (ix >= 0 && ix < (long)w) ? src[ix] : 0.0f;
                    }
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
                for (size_t oy = 0; oy < oh; oy++) {
                    long iy = (long)(oy * stride + ki) - (long)pad;
                    if (iy < 0 || iy >= (long)h) continue;
                    const float *src = row + oy * ow;
                    float *dst = plane + iy * w;
                    for (size_t ox = 0; ox < ow; ox++) {
                        long ix = (long)(ox * stride + kj) - (long)pad;
                        if (ix >= 0 && ix < (long)w) dst[ix] += src[ox];
                    }
                }
            }
}
