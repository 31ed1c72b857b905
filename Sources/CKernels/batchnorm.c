// Batch normalisation over [n, c, s] (s = spatial size), one channel at a time.
#include "CKernels.h"
#include "kernels_internal.h"

/// Running sums in LANES double lanes (position j of a row into lane j % LANES, a row's tail into
/// lane 0), added lane by lane at the end: the same order on every call and thread, and loops that
/// vectorise, which one running double sum does not (each add waits for the last).
enum { LANES = 8 };

static inline double lanes_total(const double *acc) {
    double t = 0;
    for (size_t k = 0; k < LANES; k++) t += acc[k];
    return t;
}

GK_DISPATCH
void gk_batchnorm_forward(size_t n, size_t c, size_t s, size_t c0, size_t c1, const float *x,
                          const float *w, const float *b, float eps, int compute_stats,
                          float *mean, float *var, float *rstd, float *y) {
    double count = (double)(n * s);
    for (size_t ch = c0; ch < c1; ch++) {
        if (compute_stats) {
            double acc[LANES] = {0}, acc_sq[LANES] = {0};
            size_t full = s - s % LANES;
            for (size_t i = 0; i < n; i++) {
                const float *row = x + (i * c + ch) * s;
                for (size_t j = 0; j < full; j += LANES)
                    for (size_t k = 0; k < LANES; k++) acc[k] += row[j + k];
                for (size_t j = full; j < s; j++) acc[0] += row[j];
            }
            double m = lanes_total(acc) / count;
            for (size_t i = 0; i < n; i++) {
                const float *row = x + (i * c + ch) * s;
                for (size_t j = 0; j < full; j += LANES)
                    for (size_t k = 0; k < LANES; k++) { double d = row[j + k] - m; acc_sq[k] += d * d; }
                for (size_t j = full; j < s; j++) { double d = row[j] - m; acc_sq[0] += d * d; }
            }
            mean[ch] = (float)m;
            var[ch] = (float)(lanes_total(acc_sq) / count);
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
        double acc_dy[LANES] = {0}, acc_dy_xhat[LANES] = {0};
        size_t full = s - s % LANES;
        for (size_t i = 0; i < n; i++) {
            const float *row = x + (i * c + ch) * s, *g = dy + (i * c + ch) * s;
            for (size_t j = 0; j < full; j += LANES)
                for (size_t k = 0; k < LANES; k++) {
                    acc_dy[k] += g[j + k];
                    acc_dy_xhat[k] += g[j + k] * (row[j + k] - m) * rs;
                }
            for (size_t j = full; j < s; j++) { acc_dy[0] += g[j]; acc_dy_xhat[0] += g[j] * (row[j] - m) * rs; }
        }
        double sum_dy = lanes_total(acc_dy), sum_dy_xhat = lanes_total(acc_dy_xhat);
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
