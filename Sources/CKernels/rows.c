// Row-wise kernels over x[rows, cols]: softmax, log-softmax, layer norm, cross-entropy.
#include "CKernels.h"
#include "kernels_internal.h"

static inline float row_max(size_t n, const float *x) {
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

GK_DISPATCH
void gk_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols; float *yr = y + r * cols;
        float m = row_max(cols, xr), s = 0;
        // The exponentials in a loop of their own, which vectorises; the sum then runs in the
        // same order as ever (a float sum cannot be reordered without changing its rounding).
        for (size_t c = 0; c < cols; c++) yr[c] = gk_expf(xr[c] - m);
        for (size_t c = 0; c < cols; c++) s += yr[c];
        float inv = 1.0f / s;
        for (size_t c = 0; c < cols; c++) yr[c] *= inv;
    }
}

GK_DISPATCH
void gk_log_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols; float *yr = y + r * cols;
        float m = row_max(cols, xr), s = 0;
        for (size_t c = 0; c < cols; c++) yr[c] = gk_expf(xr[c] - m);  // vectorises, as in gk_softmax_rows
        for (size_t c = 0; c < cols; c++) s += yr[c];
        float lse = m + logf(s);
        for (size_t c = 0; c < cols; c++) yr[c] = xr[c] - lse;
    }
}

GK_DISPATCH
void gk_softmax_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
    for (size_t r = 0; r < rows; r++) {
        const float *yr = y + r * cols, *dyr = dy + r * cols; float *dxr = dx + r * cols;
        float dot = 0;
        for (size_t c = 0; c < cols; c++) dot += yr[c] * dyr[c];
        for (size_t c = 0; c < cols; c++) dxr[c] = yr[c] * (dyr[c] - dot);
    }
}

GK_DISPATCH
void gk_log_softmax_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
    for (size_t r = 0; r < rows; r++) {
        const float *yr = y + r * cols, *dyr = dy + r * cols; float *dxr = dx + r * cols;
        float s = 0;
        for (size_t c = 0; c < cols; c++) s += dyr[c];
        for (size_t c = 0; c < cols; c++) dxr[c] = dyr[c] - gk_expf(yr[c]) * s;
    }
}

GK_DISPATCH
void gk_layernorm_rows(size_t rows, size_t cols, const float *x, const float *w, const float *b,
                       float eps, float *y, float *mean, float *rstd) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols; float *yr = y + r * cols;
        float m = 0;
        for (size_t c = 0; c < cols; c++) m += xr[c];
        m /= (float)cols;
        float v = 0;
        for (size_t c = 0; c < cols; c++) { float d = xr[c] - m; v += d * d; }
        float rs = 1.0f / sqrtf(v / (float)cols + eps);
        for (size_t c = 0; c < cols; c++) {
            float n = (xr[c] - m) * rs;
            yr[c] = n * (w ? w[c] : 1.0f) + (b ? b[c] : 0.0f);
        }
        mean[r] = m; rstd[r] = rs;
    }
}

GK_DISPATCH
void gk_layernorm_backward_rows(size_t rows, size_t cols, const float *x, const float *w,
                                const float *mean, const float *rstd, const float *dy,
                                float *dx, float *dw, float *db) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols, *dyr = dy + r * cols; float *dxr = dx + r * cols;
        float m = mean[r], rs = rstd[r];
        float sum_dn = 0, sum_dn_n = 0;
        for (size_t c = 0; c < cols; c++) {
            float n = (xr[c] - m) * rs;
            float dn = dyr[c] * (w ? w[c] : 1.0f);
            sum_dn += dn; sum_dn_n += dn * n;
            if (dw) dw[c] += dyr[c] * n;
            if (db) db[c] += dyr[c];
        }
        sum_dn /= (float)cols; sum_dn_n /= (float)cols;
        for (size_t c = 0; c < cols; c++) {
            float n = (xr[c] - m) * rs;
            float dn = dyr[c] * (w ? w[c] : 1.0f);
            dxr[c] = rs * (dn - sum_dn - n * sum_dn_n);
        }
    }
}

GK_DISPATCH
void gk_cross_entropy_rows(size_t rows, size_t cols, const float *logits, const int32_t *targets,
                           int32_t ignore_index, float smoothing, float *loss, float *dlogits) {
    float off = smoothing / (float)cols, on = 1.0f - smoothing + off;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = logits + r * cols;
        float *dr = dlogits ? dlogits + r * cols : 0;
        int32_t t = targets[r];
        if (t == ignore_index || t < 0 || (size_t)t >= cols) {
            loss[r] = 0;
            if (dr) memset(dr, 0, cols * sizeof(float));
            continue;
        }
        float m = row_max(cols, xr), s = 0, mean_x = 0;
        if (dr) {
            // With a gradient row to hold them, the exponentials first (vectorised), then the sums
            // in the same order as the plain loop, so the results are the same bits.
            for (size_t c = 0; c < cols; c++) dr[c] = gk_expf(xr[c] - m);
            for (size_t c = 0; c < cols; c++) { s += dr[c]; mean_x += xr[c]; }
        } else {
            for (size_t c = 0; c < cols; c++) { s += gk_expf(xr[c] - m); mean_x += xr[c]; }
        }
        float lse = m + logf(s);
        mean_x /= (float)cols;
        // -sum q log p with q = (1-s) onehot + s/C  ==  lse - (1-s) x_t - s mean(x)
        loss[r] = lse - (1.0f - smoothing) * xr[t] - smoothing * mean_x;
        if (dr) {
            for (size_t c = 0; c < cols; c++) dr[c] = gk_expf(xr[c] - lse) - off;
            dr[t] -= on - off;
        }
    }
}
