// Batch normalisation over [n, c, s] (s = spatial size), one channel at a time.
#include "CKernels.h"
#include "kernels_internal.h"

GK_DISPATCH
void gk_batchnorm_forward(size_t n, size_t c, size_t s, size_t c0, size_t c1, const float *x,
                          const float *w, const float *b, float eps, int compute_stats,
                          float *mean, float *var, float *rstd, float *y) {
    double count = (double)(n * s);
    for (size_t ch = c0; ch < c1; ch++) {
        if (compute_stats) {
            double sum = 0;
            for (size_t i = 0; i < n; i++) {
                const float *row = x + (i * c + ch) * s;
                for (size_t j = 0; j < s; j++) sum += row[j];
            }
            double m = sum / count, sq = 0;
            for (size_t i = 0; i < n; i++) {
                const float *row = x + (i * c + ch) * s;
                for (size_t j = 0; j < s; j++) { double d = row[j] - m; sq += d * d; }
            }
            mean[ch] = (float)m;
            var[ch] = (float)(sq / count);
        }
        float rs = 1.0f / sqrtf(var[ch] + eps);
        rstd[ch] = rs;
        float scale = rs * (w ? w[ch] : 1.0f), shift = (b ? b[ch] : 0.0f) - mean[ch] * scale;
        for (size_t i = 0; i < n; i++) {
            const float *row = x + (i * c + ch) * s;
            float *out = y + (i * c + ch) * s;
            for (size_t j = 0; j < s; j++) out[j] = row[j] * scale + shift;
        }
    }
}

GK_DISPATCH
void gk_batchnorm_backward(size_t n, size_t c, size_t s, size_t c0, size_t c1, const float *x,
                           const float *w, const float *mean, const float *rstd, const float *dy,
                           int batch_stats, float *dx, float *dw, float *db) {
    float count = (float)(n * s);
    for (size_t ch = c0; ch < c1; ch++) {
        float m = mean[ch], rs = rstd[ch], wc = w ? w[ch] : 1.0f;
        double sum_dy = 0, sum_dy_xhat = 0;
        for (size_t i = 0; i < n; i++) {
            const float *row = x + (i * c + ch) * s, *g = dy + (i * c + ch) * s;
            for (size_t j = 0; j < s; j++) { sum_dy += g[j]; sum_dy_xhat += g[j] * (row[j] - m) * rs; }
        }
        if (dw) dw[ch] = (float)sum_dy_xhat;
        if (db) db[ch] = (float)sum_dy;
        if (!dx) continue;
        float k = wc * rs;
        float mean_dy = (float)(sum_dy / count), mean_dy_xhat = (float)(sum_dy_xhat / count);
        for (size_t i = 0; i < n; i++) {
            const float *row = x + (i * c + ch) * s, *g = dy + (i * c + ch) * s;
            float *out = dx + (i * c + ch) * s;
            if (batch_stats) {
                for (size_t j = 0; j < s; j++) out[j] = k * (g[j] - mean_dy - (row[j] - m) * rs * mean_dy_xhat);
            } else {
                for (size_t j = 0; j < s; j++) out[j] = k * g[j];
            }
        }
    }
}
